// Statuses for a subject that is stalled, waiting for set-up, just accepted, or cannot reach Bosun's etcd. Pure: the
// clock is passed in, and the same input gives an identical status (so no write happens). The life of
// a running plan is in phases.ts.
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import { setCondition } from '../runtime/conditions.js';
import { markStalled, markWaiting } from './kstatus.js';
import type { PlanStatus, PlanSubject, Stall, SubjectKind } from './subject.js';

/** A subject that cannot go on as its spec stands: Stalled, with what to change. */
export function stalledStatus<S extends PlanStatus>(subject: PlanSubject<S>, stall: Stall, now: Date): S {
  const prev = subject.status ?? ({} as S);
  const generation = subject.metadata.generation;
  const conditions = markStalled(prev.conditions, stall.reason, stall.message, now, generation);
  return { ...prev, phase: 'Stalled', conditions, observedGeneration: generation };
}

/**
 * A subject waiting for something set up outside its spec (a ModelProvider): Pending, not Stalled, with
 * what to set up on Ready. The spec is fine as it is; it is planned once that exists, so it is in progress
 * (Reconciling) for kstatus.
 */
export function waitingStatus<S extends PlanStatus>(subject: PlanSubject<S>, wait: Stall, now: Date): S {
  const prev = subject.status ?? ({} as S);
  const generation = subject.metadata.generation;
  const conditions = markWaiting(prev.conditions, wait.reason, wait.message, now, generation);
  return { ...prev, phase: 'Pending', conditions, observedGeneration: generation };
}

/**
 * The first status of a new subject, when its first decision wrote none (a model still planning): in progress
 * at once, in the kind's planning phase. Until a status is written, kstatus reads the subject as Current.
 */
export function acceptedStatus<S extends PlanStatus>(
  subject: PlanSubject<S>,
  kind: Pick<SubjectKind<S>, 'kind' | 'phases'>,
  now: Date,
): S {
  const prev = subject.status ?? ({} as S);
  const generation = subject.metadata.generation;
  const message = `accepted: Bosun is planning the ${kind.kind}`;
  const conditions = markWaiting(prev.conditions, PlanReason.Accepted, message, now, generation);
  return { ...prev, phase: kind.phases.planning, conditions, observedGeneration: generation };
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
