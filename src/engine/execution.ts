// Which step runs next, and what an outcome does to it. Pure.
import type { PlanStep } from '../api/v1alpha1/common.js';
import { timestamp } from '../api/v1alpha1/common.js';
import type { StepOutcome } from '../executor/executor.js';

export const MAX_ATTEMPTS = 3;

export type Next = { index: number } | { done: 'succeeded' | 'failed' | 'rolled-back' };

const finished = (s: PlanStep) => s.state === 'Succeeded' || s.state === 'Skipped';

/**
 * Steps run in order. Once a step has failed, only the on-failure steps after
 * it run (the rollback); the plan then ends failed, or rolled back when they
 * all succeeded.
 */
export function nextStep(steps: readonly PlanStep[]): Next {
  const failed = steps.findIndex((s) => s.state === 'Failed' && s.when !== 'on-failure');
  if (failed < 0) {
    const i = steps.findIndex((s) => s.when !== 'on-failure' && !finished(s));
    return i < 0 ? { done: 'succeeded' } : { index: i };
  }
  const rollback = steps.map((s, i) => ({ s, i })).filter(({ s, i }) => i > failed && s.when === 'on-failure');
  if (rollback.some(({ s }) => s.state === 'Failed')) return { done: 'failed' };
  const pending = rollback.find(({ s }) => !finished(s));
  if (pending) return { index: pending.i };
  return { done: rollback.length ? 'rolled-back' : 'failed' };
}

/** The step after an outcome, and how long to wait before looking again (undefined: go on at once). */
export function applyOutcome(
  step: PlanStep,
  outcome: StepOutcome,
  now: Date,
): { step: PlanStep; requeueAfterMs?: number } {
  const attempt = Math.max(1, step.attempt ?? 0);
  const at = timestamp(now);
  const startedAt = step.startedAt ?? timestamp(new Date(outcome.startedAt));
  const { retryAt: _r, ...base } = step;
  switch (outcome.kind) {
    case 'succeeded':
      return {
        step: {
          ...base,
          state: 'Succeeded',
          attempt,
          startedAt,
          finishedAt: at,
          message: outcome.summary.slice(0, 2000),
        },
      };
    case 'pending':
      return {
        step: { ...base, state: 'Running', attempt, startedAt, message: outcome.summary.slice(0, 2000) },
        requeueAfterMs: outcome.requeueAfterMs,
      };
    case 'failed':
      if (outcome.retryable && attempt < MAX_ATTEMPTS) {
        const backoffMs = 1000 * 2 ** (attempt - 1);
        return {
          step: {
            ...base,
            state: 'Pending',
            attempt: attempt + 1,
            startedAt,
            retryAt: timestamp(new Date(now.getTime() + backoffMs)),
            message: `attempt ${attempt} failed, retrying: ${outcome.message}`.slice(0, 2000),
          },
          requeueAfterMs: backoffMs,
        };
      }
      return {
        step: { ...base, state: 'Failed', attempt, startedAt, finishedAt: at, message: outcome.message.slice(0, 2000) },
      };
  }
}

/** Steps left waiting when the plan ends are marked skipped, so the status reads as a finished story. */
export const skipRest = (steps: readonly PlanStep[]): PlanStep[] =>
  steps.map((s) => (s.state === 'Pending' ? { ...s, state: 'Skipped' } : s));

export const progress = (steps: readonly PlanStep[]) => {
  const main = steps.filter((s) => s.when !== 'on-failure');
  return `${main.filter((s) => s.state === 'Succeeded').length}/${main.length}`;
};
