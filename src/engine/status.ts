// Statuses for a subject that is stalled, waiting for set-up, or cannot reach Bosun's etcd. Pure: the
// clock is passed in, and the same input gives an identical status (so no write happens). The life of
// a running plan is in phases.ts.
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../runtime/conditions.js';
import type { PlanStatus, PlanSubject, Stall } from './subject.js';

/** A subject that cannot go on as its spec stands: Stalled, with what to change. */
export function stalledStatus<S extends PlanStatus>(subject: PlanSubject<S>, stall: Stall, now: Date): S {
  const prev = subject.status ?? ({} as S);
  const generation = subject.metadata.generation;
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
 * A subject waiting for something set up outside its spec (a ModelProvider): Pending, not Stalled, with
 * what to set up on Ready. The spec is fine as it is; it is planned once that exists.
 */
export function waitingStatus<S extends PlanStatus>(subject: PlanSubject<S>, wait: Stall, now: Date): S {
  const prev = subject.status ?? ({} as S);
  const generation = subject.metadata.generation;
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
export function storeUnavailableStatus<S extends PlanStatus>(prev: S, now: Date, kind: string): S {
  return {
    ...prev,
    conditions: setCondition(
      prev.conditions,
      {
        type: ConditionType.Ready,
        status: 'False',
        reason: PlanReason.StateStoreUnavailable,
        message:
          `Bosun's etcd is unreachable; the ${kind} is retried with backoff and nothing is lost. ` +
          'Check the bosun-etcd endpoints.',
      },
      now,
      prev.observedGeneration,
    ),
  };
}
