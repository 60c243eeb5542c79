// k8s.wait-for-condition: checks once and asks to be called again (the
// reconcile requeues); it never sleeps.
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { defineTool } from '../tool.js';
import { resolveTarget, ROLLABLE, targetOf } from './target.js';

interface Workload extends KubeObject {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** kubectl rollout status, as a pure check. */
export function rolloutState(w: Workload): { done: boolean; failed?: string; progress: string } {
  const s = w.status ?? {};
  const want = w.spec?.replicas ?? 1;
  const progress = `${s.updatedReplicas ?? 0}/${want} updated, ${s.availableReplicas ?? 0}/${want} available`;
  // until the controller has seen the latest spec, its status (conditions included) speaks of an older rollout
  const observed = (s.observedGeneration ?? 0) >= (w.metadata.generation ?? 0);
  if (!observed)
    return {
      done: false,
      progress: `${progress}; waiting for the controller to observe generation ${w.metadata.generation}`,
    };
  const stuck = s.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stuck)
    return { done: false, failed: `rollout exceeded its progress deadline: ${stuck.message ?? ''}`.trim(), progress };
  const done =
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    !(s.unavailableReplicas ?? 0);
  return { done, progress };
}

export const waitForCondition = defineTool({
  name: 'k8s.wait-for-condition',
  description: 'Wait until a workload has rolled out (every replica updated and available), up to a timeout',
  // in a plan-only run nothing changed: there is nothing to wait for
  planOnly: 'skip',
  params: z.strictObject({
    target: targetOf(ROLLABLE),
    condition: z.enum(['RolledOut']).default('RolledOut'),
    timeoutSeconds: z.int().min(1).max(3600).default(120),
  }),
  risk: 'none',
  effect: 'read',
  reversible: true,
  async execute(ctx, { target, timeoutSeconds }) {
    const { resource, name } = resolveTarget(target);
    const w = await ctx.client.get<Workload>(resource, ctx.namespace, name);
    const state = rolloutState(w);
    if (state.failed) throw new BosunError('BOSUN_ERR_TOOL_FAILED', `${target}: ${state.failed}`);
    if (state.done) return { summary: `${target} rolled out (${state.progress})` };
    const waited = (Date.now() - Date.parse(ctx.stepStartedAt)) / 1000;
    if (waited > timeoutSeconds)
      throw new BosunError(
        'BOSUN_ERR_TOOL_FAILED',
        `${target} did not roll out within ${timeoutSeconds} s (${state.progress})`,
      );
    return { summary: `waiting for ${target} (${state.progress})`, done: false, requeueAfterMs: 1000 };
  },
});
