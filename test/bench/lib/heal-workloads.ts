// The heal bench's namespace and workloads: set up as a namespace admin would
// for Bosun's heals, Deployments that roll out, then crash-loop by Bosun's KWOK
// stage (there is no kubelet).
import { NODE_PODS, fakeNode } from '../../../hack/control-plane/control-plane.js';
import { until } from '../../../hack/control-plane/wait.js';
import { API_VERSION } from '../../../src/api/v1alpha1/kinds.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { core } from '../../../src/kube/resources.js';
import type { DeploymentView } from './rollout.js';
import { createExecutor, kubectlAs } from './kubectl.js';

// as test/support/workloads.ts (not imported from there: it needs vitest's context)
export const GOOD_IMAGE = 'nginx:1.27';
/** crash-loops (hack/control-plane/kwok-stages/pod-crash-loop.yaml) */
export const CRASH_IMAGE = 'registry.bosun.test/crash:1';
export const INTAKE_SECRET = 'bosun-alert-intake';
export const OPERATOR_NAMESPACE = 'bosun-system';
export type HealPlanner = 'rules' | 'llm';
/** Each planner heals in a namespace of its own, with its own operator, one run after the other. */
export const healNamespace = (planner: HealPlanner) => (planner === 'rules' ? 'heal-bench' : 'heal-bench-llm');
/** The revision the bench's Deployments roll back to: their first, the good image, before the crash image's */
export const GOOD_REVISION = 1;
/**
 * Each Deployment's pods. One: what KubePodCrashLooping fires on is a pod of the crash image, and a second replica
 * only adds pods for KWOK and the scheduler to move at 100 Deployments (the rollout is taken out of Bosun's time).
 */
export const REPLICAS = 1;
/** A Deployment's pods at most: its replicas, and one more while a rollout surges (maxSurge 25%, rounded up). */
const PODS_PER_DEPLOYMENT = REPLICAS + 1;

/**
 * Nodes enough for `deployments` of the bench's Deployments at their most (a rollout's surge), as a cluster admin
 * adds them: KWOK nodes of NODE_PODS pods each, named kwok-node-<i> after those there are. Returns how many it added.
 */
export function nodesFor(adminKubeconfig: string, deployments: number): number {
  const kubectl = kubectlAs(adminKubeconfig);
  const have = kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'name']).split('\n').filter(Boolean).length;
  const want = Math.ceil((deployments * PODS_PER_DEPLOYMENT) / NODE_PODS);
  for (let i = have; i < want; i++) kubectl(['apply', '-f', '-'], fakeNode(`kwok-node-${i}`));
  return Math.max(0, want - have);
}

/**
 * The namespace as its admin sets it up for Bosun's heals: executor, the healer's rights, a RiskPolicy whose
 * spec.heal.planner is how the Remediations Bosun opens for alerts plan.
 */
export function setUpNamespace(
  adminKubeconfig: string,
  namespace: string,
  names: string[],
  heal: { verifySeconds: number; planner: HealPlanner },
): void {
  const kubectl = kubectlAs(adminKubeconfig, namespace);
  createExecutor(kubectl, namespace);
  // the heals of alerts run on the intake's requester's rights (bosun-healer), never Bosun's own
  kubectl([
    'create',
    'rolebinding',
    'bosun-healer',
    '--clusterrole=bosun-healer',
    `--serviceaccount=${OPERATOR_NAMESPACE}:bosun-healer`,
  ]);
  const deployment = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: GOOD_IMAGE }] } },
    },
  });
  const policy = {
    apiVersion: API_VERSION,
    kind: 'RiskPolicy',
    metadata: { name: 'default' },
    spec: {
      levels: { none: 'auto', low: 'auto', medium: 'auto', high: 'auto', critical: 'auto' },
      heal,
    },
  };
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, ...names.map(deployment)] }),
  );
}

/** Deletes the namespace's Deployments (and so their pods), not waiting for them to go. */
export function removeDeployments(adminKubeconfig: string, namespace: string): void {
  kubectlAs(adminKubeconfig, namespace)(['delete', 'deployments', '--all', '--wait=false']);
}

/**
 * The model the namespace's Remediations plan with (spec.heal.planner: llm): a ModelProvider named `default` at
 * `baseURL` (a loopback server speaking Anthropic's wire format), its API key in a Secret, and Bosun's right to
 * read that Secret here, as the namespace's admin would set it up.
 */
export function setUpModelProvider(adminKubeconfig: string, namespace: string, baseURL: string, apiKey: string): void {
  const kubectl = kubectlAs(adminKubeconfig, namespace);
  kubectl([
    'create',
    'rolebinding',
    'bosun-secret-reader',
    '--clusterrole=bosun-secret-reader',
    `--serviceaccount=${OPERATOR_NAMESPACE}:bosun`,
  ]);
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'anthropic' },
    stringData: { 'api-key': apiKey },
  };
  const provider = {
    apiVersion: API_VERSION,
    kind: 'ModelProvider',
    metadata: { name: 'default' },
    spec: {
      provider: 'anthropic',
      baseURL,
      secretRef: { name: 'anthropic', key: 'api-key' },
      models: { low: 'bench', medium: 'bench', high: 'bench' },
      // the provider's rate limit is not Bosun's speed: it must not hold back a short gap between alerts
      rateLimits: { requestsPerMinute: 100000 },
    },
  };
  // the key goes in on stdin, never on a command line
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [secret, provider] }));
}

/** Waits until every one of `names` satisfies `ok`, polling the namespace's Deployments. */
export async function deploymentsAre(
  admin: KubeClient,
  namespace: string,
  names: string[],
  what: string,
  ok: (d: DeploymentView) => boolean,
) {
  await until(
    `${names.length} Deployments ${what}`,
    async () => {
      const { items } = await admin.list<DeploymentView & { metadata: { name: string } }>(core.deployments, {
        namespace,
      });
      const good = new Set(items.filter(ok).map((d) => d.metadata.name));
      return names.every((n) => good.has(n));
    },
    180_000,
  );
}

interface PodView {
  metadata: { labels?: Record<string, string> };
  status?: { containerStatuses?: { image?: string; state?: { waiting?: { reason?: string } } }[] };
}

/** Waits until each of `names` has a pod of the crash image in CrashLoopBackOff (what KubePodCrashLooping fires on). */
export async function crashLooping(admin: KubeClient, namespace: string, names: string[]) {
  await until(
    `${names.length} Deployments crash-looping`,
    async () => {
      const { items } = await admin.list<PodView>(core.pods, { namespace });
      const looping = new Set(
        items
          .filter((p) => {
            const c = p.status?.containerStatuses?.[0];
            return c?.image === CRASH_IMAGE && c.state?.waiting?.reason === 'CrashLoopBackOff';
          })
          .map((p) => p.metadata.labels?.app),
      );
      return names.every((n) => looping.has(n));
    },
    180_000,
  );
}
