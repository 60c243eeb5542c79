// Deployments for tests, rolled out by the real controller-manager onto KWOK nodes.
import { until } from '../../hack/control-plane/wait.js';
import { kubectlOk } from './cluster.js';

// Images that fail the ways Remediations heal. They are not real images and no registry serves them: Bosun's
// KWOK stages (hack/control-plane/kwok-stages/) match a pod whose first container names one and give it the
// status a kubelet would. Any other image runs and becomes ready.

/** runs, never becomes ready: its containers crash-loop (pod-never-ready.yaml) */
export const NEVER_READY_IMAGE = 'registry.bosun.test/never-ready:1';
/** with any tag, cannot be pulled: Pending, ErrImagePull then ImagePullBackOff (pod-image-pull-backoff.yaml) */
export const NO_SUCH_IMAGE_REPOSITORY = 'registry.bosun.test/no-such-image';
export const NO_SUCH_IMAGE = `${NO_SUCH_IMAGE_REPOSITORY}:1`;
/** OOM-killed (137) and crash-looping, but only with the memory limit HUNGRY_MEMORY_LIMIT (pod-oom-killed.yaml) */
export const HUNGRY_IMAGE = 'registry.bosun.test/hungry:1';
/** the limit HUNGRY_IMAGE is OOM-killed under; any other limit, or none, lets it run */
export const HUNGRY_MEMORY_LIMIT = '32Mi';
/** exits with 1 and crash-loops; other tags of the repository run (pod-crash-loop.yaml) */
export const CRASH_IMAGE = 'registry.bosun.test/crash:1';

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  /** the container's resources.limits.memory */
  memoryLimit?: string;
  progressDeadlineSeconds?: number;
}

export function deploymentManifest(name: string, opts: DeploymentOptions = {}): string {
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
        spec: {
          containers: [
            {
              name: 'app',
              image: opts.image ?? 'nginx:1.27',
              ...(opts.memoryLimit && { resources: { limits: { memory: opts.memoryLimit } } }),
            },
          ],
        },
      },
    },
  });
}

/** Applies a Deployment without waiting for it (one whose pods fail never rolls out). */
export function applyDeployment(namespace: string, name: string, opts: DeploymentOptions = {}): void {
  kubectlOk(['apply', '-f', '-'], { namespace, input: deploymentManifest(name, opts) });
}

export async function createDeployment(namespace: string, name: string, opts: DeploymentOptions = {}): Promise<void> {
  applyDeployment(namespace, name, opts);
  kubectlOk(['rollout', 'status', `deployment/${name}`, '--timeout=90s'], { namespace });
}

export interface DeploymentJson {
  metadata: { generation: number; resourceVersion: string; annotations?: Record<string, string> };
  spec: {
    replicas: number;
    template: {
      metadata?: { annotations?: Record<string, string> };
      spec: { containers: { image: string; resources?: { limits?: { memory?: string } } }[] };
    };
  };
  status: {
    availableReplicas?: number;
    updatedReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
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

interface PodList {
  items: { status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }[];
}

/** Waits until a pod of `app` has a container waiting for `reason` (CrashLoopBackOff, ImagePullBackOff). */
export const waitPodsWaiting = (namespace: string, app: string, reason: string) =>
  until(
    `${app} pods ${reason}`,
    async () => {
      const pods = JSON.parse(kubectlOk(['get', 'pods', '-l', `app=${app}`, '-o', 'json'], { namespace }));
      return (pods as PodList).items.some((p) =>
        p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === reason),
      );
    },
    60_000,
  );
