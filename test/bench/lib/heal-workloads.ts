// The heal bench's namespace and workloads: set up as a namespace admin would
// for Bosun's heals, Deployments that roll out, then crash-loop by Bosun's KWOK
// stage (there is no kubelet).
import { execFileSync } from 'node:child_process';
import { until } from '../../../hack/control-plane/wait.js';
import { API_VERSION } from '../../../src/api/v1alpha1/kinds.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { core } from '../../../src/kube/resources.js';
import type { DeploymentView } from './rollout.js';

// as test/support/workloads.ts (not imported from there: it needs vitest's context)
export const GOOD_IMAGE = 'nginx:1.27';
/** crash-loops (hack/control-plane/kwok-stages/pod-crash-loop.yaml) */
export const CRASH_IMAGE = 'registry.bosun.test/crash:1';
export const INTAKE_SECRET = 'bosun-alert-intake';
export const OPERATOR_NAMESPACE = 'bosun-system';
export const NAMESPACE = 'heal-bench';

/** The namespace as its admin sets it up for Bosun's heals: executor, the healer's rights, a RiskPolicy. */
export function setUpNamespace(adminKubeconfig: string, names: string[], verifySeconds: number): void {
  const kubectl = (args: string[], input?: string) =>
    execFileSync('kubectl', ['--kubeconfig', adminKubeconfig, '-n', NAMESPACE, ...args], { encoding: 'utf8', input });
  kubectl(['create', 'serviceaccount', 'bosun-executor']);
  kubectl([
    'create',
    'rolebinding',
    'bosun-executor',
    '--clusterrole=bosun-executor',
    `--serviceaccount=${NAMESPACE}:bosun-executor`,
  ]);
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
      replicas: 2,
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
      heal: { verifySeconds },
    },
  };
  kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, ...names.map(deployment)] }),
  );
}

/** Waits until every one of `names` satisfies `ok`, polling the namespace's Deployments. */
export async function deploymentsAre(
  admin: KubeClient,
  names: string[],
  what: string,
  ok: (d: DeploymentView) => boolean,
) {
  await until(
    `${names.length} Deployments ${what}`,
    async () => {
      const { items } = await admin.list<DeploymentView & { metadata: { name: string } }>(core.deployments, {
        namespace: NAMESPACE,
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
export async function crashLooping(admin: KubeClient, names: string[]) {
  await until(
    `${names.length} Deployments crash-looping`,
    async () => {
      const { items } = await admin.list<PodView>(core.pods, { namespace: NAMESPACE });
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
