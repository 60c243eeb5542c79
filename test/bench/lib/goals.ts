// Creating Goals in bulk, and the "bare client" ceiling: status patches as
// fast as the API server takes them.
import { timestamp } from '../../../src/api/v1alpha1/common.js';
import { API_VERSION, kindInfo } from '../../../src/api/v1alpha1/kinds.js';
import type { KubeObject } from '../../../src/api/v1alpha1/meta.js';
import type { KubeClient } from '../../../src/kube/client.js';
import { bosunResource, core } from '../../../src/kube/resources.js';
import { pool } from './stats.js';

export const goalResource = bosunResource(kindInfo('Goal'));

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client.create(core.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export async function createGoals(client: KubeClient, namespace: string, n: number): Promise<void> {
  await pool(
    Array.from({ length: n }, (_, i) => i),
    64,
    async (i) => {
      await client.create(goalResource, {
        apiVersion: API_VERSION,
        kind: 'Goal',
        metadata: { name: `g-${i}`, namespace },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas: 1 } },
      });
    },
  );
}

export const minimalStatus = (goal: KubeObject) => ({
  observedGeneration: goal.metadata.generation,
  phase: 'Pending',
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Reconciled',
      message: '',
      lastTransitionTime: timestamp(),
      observedGeneration: goal.metadata.generation,
    },
  ],
});

/** The physical limit: one resourceVersion-guarded status patch per Goal, 64 in flight, no informer, no queue. */
export async function ceilingPatchesPerSecond(
  client: KubeClient,
  namespace: string,
): Promise<{ patches: number; perSecond: number }> {
  const { items } = await client.list(goalResource, { namespace });
  const started = performance.now();
  await pool(items, 64, async (goal) => {
    await client.patchStatus(goalResource, goal, minimalStatus(goal));
  });
  const seconds = (performance.now() - started) / 1000;
  return { patches: items.length, perSecond: items.length / seconds };
}

/** The Goal objects of every watch event in `namespace` from now on; `stop` ends the watch. */
export async function watchGoals(
  admin: KubeClient,
  namespace: string,
  onGoal: (goal: { metadata?: { name?: string }; status?: Record<string, unknown> }) => void,
): Promise<{ stop(): Promise<void> }> {
  const { metadata } = await admin.listPage(goalResource, { namespace, limit: 1 });
  const abort = new AbortController();
  const watching = admin.rest
    .watch(
      `/apis/bosun.dev/v1alpha1/namespaces/${namespace}/goals`,
      { resourceVersion: metadata.resourceVersion },
      (ev) => onGoal(ev.object as { metadata?: { name?: string }; status?: Record<string, unknown> }),
      abort.signal,
    )
    .catch(() => {});
  return {
    stop: async () => {
      abort.abort();
      await watching;
    },
  };
}
