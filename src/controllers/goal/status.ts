// Goal statuses for a stalled spec and for an unreachable state store. Pure:
// the clock is passed in, and the same input gives an identical status (so no
// write happens). The life of a running Goal is in phases.ts.
import type { Goal, GoalStatus } from '../../api/v1alpha1/goal.js';
import { ConditionType, GoalReason } from '../../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../../runtime/conditions.js';
import type { Stall } from './validate.js';

/** A Goal that cannot go on as its spec stands: Stalled, with what to change. */
export function stalledStatus(goal: Goal, stall: Stall, now: Date): GoalStatus {
  const prev: GoalStatus = goal.status ?? {};
  const generation = goal.metadata.generation;
  let conditions = setCondition(
    prev.conditions,
    { type: ConditionType.Stalled, status: 'True', reason: stall.reason, message: stall.message },
    now,
    generation,
  );
  conditions = setCondition(
    conditions,
    { type: ConditionType.Ready, status: 'False', reason: stall.reason, message: stall.message },
    now,
    generation,
  );
  conditions = removeCondition(conditions, ConditionType.Reconciling);
  return { ...prev, phase: 'Stalled', conditions, observedGeneration: generation };
}

/** Bosun's etcd is unreachable: said on Ready; nothing else changes, observedGeneration included. */
export function storeUnavailableStatus(prev: GoalStatus, now: Date): GoalStatus {
  return {
    ...prev,
    conditions: setCondition(
      prev.conditions,
      {
        type: ConditionType.Ready,
        status: 'False',
        reason: GoalReason.StateStoreUnavailable,
        message:
          "Bosun's etcd is unreachable; the Goal is retried with backoff and nothing is lost. Check the bosun-etcd endpoints.",
      },
      now,
      prev.observedGeneration,
    ),
  };
}
