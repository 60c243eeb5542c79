// The cluster alone: what the end-to-end Goals wait for, without Bosun. An
// admin scales the same Deployments from 0 to 1 replica (32 patches at a time,
// as the bench creates its Goals) and a watch sees each roll out (the rule
// `kubectl rollout status` uses, lib/rollout.ts); then they go back to 0 and
// their pods are gone before the Goals start. The rollouts are the
// controller-manager's, the scheduler's and KWOK's work, so this is the
// ceiling of the Goals' rate: a Goal cannot succeed before its Deployment has
// rolled out.
import { until } from '../../../hack/control-plane/wait.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { core } from '../../../src/kube/resources.js';
import { deploymentName } from './e2e-workloads.js';
import { rolledOut, type DeploymentView } from './rollout.js';
import { pool, summary } from './stats.js';
import { watchObjects } from './watch.js';
import { sleep } from '../../../src/runtime/backoff.js';

export interface ClusterRollouts {
  deployments: number;
  rolledOut: number;
  /** first patch sent → the watch's last rollout */
  wallMs: number;
  /** patch answered → the watch's first rolled-out view, per Deployment */
  toRolledOut: ReturnType<typeof summary>;
}

const scaleAll = (admin: KubeClient, namespace: string, n: number, replicas: number, after?: (i: number) => void) =>
  pool(
    Array.from({ length: n }, (_, i) => i),
    32,
    async (i) => {
      await admin.patch(core.deployments, namespace, deploymentName(i), { spec: { replicas } });
      after?.(i);
    },
  );

/** Scales the `n` Deployments up and back down as `admin`; the figures are of the way up. */
export async function clusterRollouts(
  admin: KubeClient,
  namespace: string,
  n: number,
  timeoutMs: number,
): Promise<ClusterRollouts> {
  const patched = new Map<string, number>();
  const done = new Map<string, number>();
  const watch = await watchObjects<DeploymentView & { metadata: { name: string } }>(
    admin,
    core.deployments,
    namespace,
    (d, at) => {
      const name = d.metadata.name;
      if (patched.has(name) && !done.has(name) && d.spec?.replicas === 1 && rolledOut(d)) done.set(name, at);
    },
  );
  const first = Date.now();
  try {
    await scaleAll(admin, namespace, n, 1, (i) => patched.set(deploymentName(i), Date.now()));
    const deadline = Date.now() + timeoutMs;
    while (done.size < n && Date.now() < deadline) await sleep(200);
  } finally {
    await watch.stop();
  }
  const last = Math.max(...done.values());
  const figures: ClusterRollouts = {
    deployments: n,
    rolledOut: done.size,
    wallMs: done.size ? last - first : NaN,
    toRolledOut: summary([...done].map(([name, at]) => at - (patched.get(name) ?? at))),
  };
  await scaleAll(admin, namespace, n, 0);
  await until(
    `${n} Deployments back at 0 replicas, their pods gone`,
    async () => (await admin.list(core.pods, { namespace })).items.length === 0,
    timeoutMs,
  );
  return figures;
}
