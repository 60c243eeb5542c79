// Goal statuses for a stalled spec, a Goal waiting for set-up, and an unreachable state store. Pure:
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

/**
 * A Goal waiting for something set up outside its spec (a ModelProvider): Pending, not Stalled, with
 * what to set up on Ready. The spec is fine as it is; it is planned once that exists.
 */
export function waitingStatus(goal: Goal, wait: Stall, now: Date): GoalStatus {
  const prev: GoalStatus = goal.status ?? {};
  const generation = goal.metadata.generation;
  let conditions = removeCondition(prev.conditions, ConditionType.Stalled);
  conditions = removeCondition(conditions, ConditionType.Reconciling);
  conditions = setCondition(
    conditions,
    { type: ConditionType.Ready, status: 'False', reason: wait.reason, message: wait.message },
    now,
    generation,
  );
  return { ...prev, phase: 'Pending', conditions, observedGeneration: generation };
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
