// The end-to-end Goal bench's namespace, set up as its admin would for Goals
// that scale Deployments: the executor ServiceAccount, alice's rights (she
// creates the Goals; Bosun does only what she may), a RiskPolicy, one
// Deployment per Goal at 0 replicas, and a fake node with room for their pods
// (KWOK runs them; the control plane's own node holds 110).
import { until } from '../../../hack/control-plane/wait.js';
import { API_VERSION } from '../../../src/api/v1alpha1/kinds.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { core } from '../../../src/kube/resources.js';
import { createExecutor, kubectlAs } from './kubectl.js';
import { pool } from './stats.js';
import { fakeNode } from '../../../hack/control-plane/control-plane.js';

export const E2E_NAMESPACE = 'e2e-bench';
export const E2E_NODE = 'e2e-bench-node';
export const deploymentName = (i: number) => `web-${i}`;

/** A KWOK node (as the control plane's own, hack/control-plane) with room for `pods`. */
export function addNode(adminKubeconfig: string, pods: number): void {
  kubectlAs(adminKubeconfig)(['apply', '-f', '-'], fakeNode(E2E_NODE, { pods, cpu: '1000', memory: '4Ti' }));
}

export function removeNode(adminKubeconfig: string): void {
  kubectlAs(adminKubeconfig)(['delete', 'node', E2E_NODE, '--ignore-not-found', '--wait=false']);
}

/** Executor, alice as bosun-editor (Goals) and bosun-executor (what her Goals do), a RiskPolicy of defaults. */
export function setUpNamespace(adminKubeconfig: string, namespace: string): void {
  const kubectl = kubectlAs(adminKubeconfig, namespace);
  createExecutor(kubectl, namespace);
  kubectl(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice']);
  kubectl(['create', 'rolebinding', 'alice-scales', '--clusterrole=bosun-executor', '--user=alice']);
  // the defaults: low risk (a scale) runs at once, medium and high wait for bob
  const policy = {
    apiVersion: API_VERSION,
    kind: 'RiskPolicy',
    metadata: { name: 'default' },
    spec: { approvers: { users: ['bob'] } },
  };
  kubectl(['apply', '-f', '-'], JSON.stringify(policy));
}

/** `n` Deployments at 0 replicas (config/samples/deployment-web.yaml's pod), created 32 at a time. */
export async function createDeployments(admin: KubeClient, namespace: string, n: number): Promise<void> {
  await pool(
    Array.from({ length: n }, (_, i) => deploymentName(i)),
    32,
    async (name) => {
      await admin.create(core.deployments, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { app: name } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
          },
        },
      });
    },
  );
  // the deployment controller has seen each one (a scale Goal plans from the spec, waits on the status)
  await until(
    `${n} Deployments observed`,
    async () => {
      const { items } = await admin.list<{
        metadata: { generation?: number };
        status?: { observedGeneration?: number };
      }>(core.deployments, { namespace });
      return (
        items.length === n && items.every((d) => (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1))
      );
    },
    300_000,
  );
}
