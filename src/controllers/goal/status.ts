// The Goal's next status, from what the reconcile observed. Pure: the clock is
// passed in, and an unchanged observation gives back an identical status (so no
// write happens).
import type { Goal, GoalStatus } from '../../api/v1alpha1/goal.js';
import { ConditionType, GoalReason } from '../../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../../runtime/conditions.js';
import type { Stall } from './validate.js';

export interface GoalObservation {
  goal: Goal;
  stall: Stall | undefined;
  /** could the status snapshot be written to Bosun's etcd */
  storeAvailable: boolean;
  now: Date;
}

export function nextStatus({ goal, stall, storeAvailable, now }: GoalObservation): GoalStatus {
  const prev: GoalStatus = goal.status ?? {};
  const generation = goal.metadata.generation;

  if (!storeAvailable) {
    // nothing else changes, and observedGeneration stays where the last successful reconcile left it
    return {
      ...prev,
      conditions: setCondition(prev.conditions, {
        type: ConditionType.Ready,
        status: 'False',
        reason: GoalReason.StateStoreUnavailable,
        message: "Bosun's etcd is unreachable; the Goal is retried with backoff and nothing is lost. Check the bosun-etcd endpoints.",
      }, now, prev.observedGeneration),
    };
  }

  if (stall) {
    let conditions = setCondition(prev.conditions, { type: ConditionType.Stalled, status: 'True', reason: stall.reason, message: stall.message }, now, generation);
    conditions = setCondition(conditions, { type: ConditionType.Ready, status: 'False', reason: stall.reason, message: stall.message }, now, generation);
    return { ...prev, phase: 'Stalled', conditions, observedGeneration: generation };
  }

  let conditions = removeCondition(prev.conditions, ConditionType.Stalled);
  conditions = setCondition(conditions, {
    type: ConditionType.Ready,
    status: 'False',
    reason: GoalReason.Accepted,
    message: 'The spec is valid; the Goal waits for a plan.',
  }, now, generation);
  const phase = !prev.phase || prev.phase === 'Stalled' ? 'Pending' : prev.phase;
  return { ...prev, phase, conditions, observedGeneration: generation };
}
