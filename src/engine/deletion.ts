// A subject (a Goal, a Remediation) deleted while it executes: its target is left as it was after the
// last finished step, unless the plan says how to undo a change that had
// started (its on-failure steps, as a failed deploy rolls back); then those run
// first. Either way the Deleted record in the action log says what was left.
// Pure.
import type { PlanStep } from '../api/v1alpha1/common.js';
import type { PlanStatus } from './subject.js';
import { nextStep } from './execution.js';

export const DELETED_MESSAGE = "deleted while this step ran; the plan's on-failure steps undo what was done";

export type WindDown<S extends PlanStatus = PlanStatus> =
  /** run the on-failure steps of this status (its interrupted step marked failed) before letting go */
  | { rollback: S }
  /** let go; what the Deleted record says */
  | { done: Record<string, unknown> };

const label = (steps: readonly PlanStep[], i: number) => `step ${i + 1} (${steps[i]?.tool ?? '?'})`;

export function windDown<S extends PlanStatus>(status: S, mutating: (tool: string) => boolean): WindDown<S> {
  const steps = status.plan?.steps ?? [];
  const finished = steps.flatMap((s, i) => (s.state === 'Succeeded' && s.when !== 'on-failure' ? [i] : []));
  const last = finished.at(-1);
  const leftAs = last === undefined ? 'as it was before the plan' : `as it was after ${label(steps, last)}`;
  const next = nextStep(steps);
  const woundDown = steps.some((s) => s.message === DELETED_MESSAGE);
  if (woundDown && 'done' in next) {
    return { done: { rolledBack: next.done === 'rolled-back', note: `the plan's on-failure steps ran: ${next.done}` } };
  }
  if (status.phase !== 'Executing') return { done: { phase: status.phase ?? 'Pending', note: 'nothing was running' } };
  const undo = steps.some((s) => s.when === 'on-failure');
  const changed = steps.some(
    (s, i) => s.when !== 'on-failure' && mutating(s.tool) && (finished.includes(i) || s.state === 'Running'),
  );
  const rollingBack = steps.some((s) => s.when !== 'on-failure' && s.state === 'Failed');
  if (undo && changed) {
    if ('done' in next) {
      return {
        done: { rolledBack: next.done === 'rolled-back', note: `the plan's on-failure steps ran: ${next.done}` },
      };
    }
    if (rollingBack) return { rollback: status };
    // the interrupted step fails, so that only the on-failure steps after it run
    const failed = steps.map((s, i) =>
      i === next.index ? { ...s, state: 'Failed' as const, message: DELETED_MESSAGE } : s,
    );
    return { rollback: { ...status, plan: status.plan && { ...status.plan, steps: failed } } };
  }
  const notRun = steps.flatMap((s, i) => (s.when !== 'on-failure' && s.state !== 'Succeeded' ? [label(steps, i)] : []));
  const why = !changed
    ? 'nothing had been changed yet'
    : 'the plan has no on-failure steps to undo what was done, so it is left as it is';
  return { done: { leftAs, notRun, note: `the target is left ${leftAs}: ${why}` } };
}
