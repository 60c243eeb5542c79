// The conditions a planning kind's status carries for GitOps tools, in the terms of kstatus
// (sigs.k8s.io/cli-utils pkg/kstatus, which Flux, kpt and Argo CD's kstatus checks read):
//   Reconciling=True  work goes on (planning, running, verifying, waiting):  InProgress
//   Stalled=True      it ended short of its goal, or cannot go on as it is:   Failed
//   Ready=True        done, with neither of the two:                          Current
// A status carries at most one of Reconciling and Stalled. Pure, the clock passed in: the only writers of
// Reconciling, Stalled and Succeeded for the plan engine's kinds (stalledStatus writes Stalled too).
import type { Condition } from '../api/v1alpha1/common.js';
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../runtime/conditions.js';

type C = readonly Condition[] | undefined;
type Status = 'True' | 'False' | 'Unknown';

const set = (c: C, type: string, status: Status, reason: string, message: string, now: Date, gen?: number) =>
  setCondition(c, { type, status, reason, message }, now, gen);

/** Work goes on: Reconciling and not Ready, with the same reason; Succeeded is not touched. */
export function markWaiting(c: C, reason: string, message: string, now: Date, gen?: number): Condition[] {
  let out = removeCondition(c, ConditionType.Stalled);
  out = set(out, ConditionType.Reconciling, 'True', reason, message, now, gen);
  return set(out, ConditionType.Ready, 'False', reason, message, now, gen);
}

/** A plan runs (or is planned, or verified): Reconciling, not Ready, Succeeded Unknown. */
export function markRunning(
  c: C,
  message: string,
  now: Date,
  gen?: number,
  reason: string = PlanReason.Executing,
): Condition[] {
  const out = markWaiting(c, reason, message, now, gen);
  return set(out, ConditionType.Succeeded, 'Unknown', reason, message, now, gen);
}

/** A plan waits for its Approval: in progress for kstatus, which a person moves on. */
export const markAwaitingApproval = (c: C, message: string, now: Date, gen?: number): Condition[] =>
  markWaiting(c, PlanReason.AwaitingApproval, message, now, gen);

/** Done: Ready, neither Reconciling nor Stalled. */
export function markReady(c: C, reason: string, message: string, now: Date, gen?: number): Condition[] {
  const out = removeCondition(removeCondition(c, ConditionType.Reconciling), ConditionType.Stalled);
  return set(out, ConditionType.Ready, 'True', reason, message, now, gen);
}

/** Cannot go on as it is: Stalled and not Ready, with the reason; no Reconciling. */
export function markStalled(c: C, reason: string, message: string, now: Date, gen?: number): Condition[] {
  let out = removeCondition(c, ConditionType.Reconciling);
  out = set(out, ConditionType.Stalled, 'True', reason, message, now, gen);
  return set(out, ConditionType.Ready, 'False', reason, message, now, gen);
}

/** A plan done as asked: Ready and Succeeded. */
export const markSucceeded = (c: C, reason: string, message: string, now: Date, gen?: number): Condition[] =>
  set(markReady(c, reason, message, now, gen), ConditionType.Succeeded, 'True', reason, message, now, gen);

/** A plan that ended short of its goal (failed, denied, escalated, refused, cancelled): Stalled, not Succeeded. */
export const markFailed = (c: C, reason: string, message: string, now: Date, gen?: number): Condition[] =>
  set(markStalled(c, reason, message, now, gen), ConditionType.Succeeded, 'False', reason, message, now, gen);

/** Settled without being done or failed (a superseded Approval): none of the three, so kstatus reads Current. */
export function markSettled(c: C, type: string, reason: string, message: string, now: Date, gen?: number) {
  let out = removeCondition(c, ConditionType.Reconciling);
  out = removeCondition(removeCondition(out, ConditionType.Stalled), ConditionType.Ready);
  return set(out, type, 'True', reason, message, now, gen);
}
