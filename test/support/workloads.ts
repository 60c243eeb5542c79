// Deployments for tests, rolled out by the real controller-manager onto KWOK nodes.
import { until } from '../../hack/control-plane/wait.js';
import { kubectlOk } from './cluster.js';

export function deploymentManifest(
  name: string,
  opts: { replicas?: number; image?: string; progressDeadlineSeconds?: number } = {},
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: opts.replicas ?? 2,
      ...(opts.progressDeadlineSeconds && { progressDeadlineSeconds: opts.progressDeadlineSeconds }),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.27' }] },
      },
    },
  });
}

export async function createDeployment(
  namespace: string,
  name: string,
  opts: Parameters<typeof deploymentManifest>[1] = {},
): Promise<void> {
  kubectlOk(['apply', '-f', '-'], { namespace, input: deploymentManifest(name, opts) });
  kubectlOk(['rollout', 'status', `deployment/${name}`, '--timeout=90s'], { namespace });
}

export interface DeploymentJson {
  metadata: { generation: number; resourceVersion: string; annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } };
  };
  status: { availableReplicas?: number; updatedReplicas?: number };
}

export const getDeployment = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'deployment', name, '-o', 'json'], { namespace })) as DeploymentJson;

export const replicaSets = (namespace: string, app: string) =>
  (
    JSON.parse(kubectlOk(['get', 'replicasets', '-l', `app=${app}`, '-o', 'json'], { namespace })) as {
      items: {
        metadata: { name: string; annotations: Record<string, string> };
        spec: { template: { spec: { containers: { image: string }[] } } };
      }[];
    }
  ).items;

export const waitRolledOut = (namespace: string, name: string) =>
  until(
    `${name} rolled out`,
    async () => {
      const d = getDeployment(namespace, name);
      return d.status.availableReplicas === d.spec.replicas && d.status.updatedReplicas === d.spec.replicas;
    },
    60_000,
  );
