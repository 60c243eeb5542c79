// The Goal's status through its life: planned, held, denied, executing, and
// finished. Pure: each takes the previous status and returns the next; the
// helpers markRunning / markSucceeded / markFailed are the only writers of
// the Succeeded condition.
import type { PlanStep } from '../../api/v1alpha1/common.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import type { GoalSpec, GoalStatus } from '../../api/v1alpha1/goal.js';
import { ConditionType, GoalReason } from '../../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../../runtime/conditions.js';
import { progress, skipRest } from './execution.js';
import type { DecidedPlan } from './planning.js';

type C = GoalStatus['conditions'];
const set = (
  c: C,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: Date,
  gen?: number,
) => setCondition(c, { type, status, reason, message }, now, gen);

export function markRunning(c: C, message: string, now: Date, gen?: number): NonNullable<C> {
  let out = set(c, ConditionType.Reconciling, 'True', GoalReason.Executing, message, now, gen);
  out = set(out, ConditionType.Ready, 'False', GoalReason.Executing, message, now, gen);
  return set(out, ConditionType.Succeeded, 'Unknown', GoalReason.Executing, message, now, gen);
}

export function markSucceeded(c: C, reason: string, message: string, now: Date, gen?: number): NonNullable<C> {
  let out = removeCondition(c, ConditionType.Reconciling);
  out = set(out, ConditionType.Ready, 'True', reason, message, now, gen);
  return set(out, ConditionType.Succeeded, 'True', reason, message, now, gen);
}

export function markFailed(c: C, reason: string, message: string, now: Date, gen?: number): NonNullable<C> {
  let out = removeCondition(c, ConditionType.Reconciling);
  out = set(out, ConditionType.Ready, 'False', reason, message, now, gen);
  return set(out, ConditionType.Succeeded, 'False', reason, message, now, gen);
}

/** The status right after a plan is made and policy has decided. */
export function afterPlanning(
  prev: GoalStatus,
  plan: DecidedPlan,
  spec: GoalSpec,
  now: Date,
  gen: number | undefined,
  policyVersion?: string,
): GoalStatus {
  const summary = `plan ${plan.hash.slice(0, 12)}: ${plan.steps.length} step(s), risk ${plan.risk}`;
  const base: GoalStatus = {
    ...prev,
    observedGeneration: gen,
    plan: { hash: plan.hash, risk: plan.risk, reasoning: plan.reasoning, steps: plan.steps },
    planHash: plan.hash,
    planGeneration: gen,
    mode: spec.mode,
    risk: plan.risk,
    riskReasons: plan.reasons,
    decision: plan.decision.rule,
    policyVersion,
    progress: progress(plan.steps),
    findings: undefined,
    startedAt: undefined,
    completedAt: undefined,
  };
  let c = removeCondition(prev.conditions, ConditionType.Stalled);
  c = set(c, ConditionType.Planned, 'True', GoalReason.Planned, summary, now, gen);
  if (plan.decision.action === 'deny') {
    const message = `denied: ${plan.decision.rule}. Change the Goal or the RiskPolicy to proceed.`;
    return {
      ...base,
      phase: 'Denied',
      completedAt: timestamp(now),
      conditions: markFailed(c, GoalReason.Denied, message, now, gen),
    };
  }
  if (plan.decision.action === 'approve') {
    const message = `held for approval: ${plan.decision.rule}${plan.reasons.length ? ` (risk ${plan.risk}: ${plan.reasons.join('; ')})` : ''}`;
    c = set(c, ConditionType.Approved, 'False', GoalReason.ApprovalRequired, message, now, gen);
    c = set(c, ConditionType.Ready, 'False', GoalReason.ApprovalRequired, message, now, gen);
    return { ...base, phase: 'AwaitingApproval', conditions: c };
  }
  if (!plan.steps.length) {
    return {
      ...base,
      phase: 'Succeeded',
      completedAt: timestamp(now),
      conditions: markSucceeded(c, GoalReason.NothingToDo, plan.reasoning, now, gen),
    };
  }
  const mode =
    spec.mode === 'plan-only'
      ? 'plan-only: dry-running every step on the server'
      : `step 1/${plan.steps.length}: ${plan.steps[0]?.description ?? ''}`;
  return { ...base, phase: 'Executing', startedAt: timestamp(now), conditions: markRunning(c, mode, now, gen) };
}

/** The status after one step moved on; `done` when the plan has finished. */
export function afterStep(
  prev: GoalStatus,
  steps: PlanStep[],
  done: 'succeeded' | 'failed' | 'rolled-back' | undefined,
  planOnly: boolean,
  now: Date,
  gen: number | undefined,
  findings?: string[],
): GoalStatus {
  const plan = prev.plan ? { ...prev.plan, steps: done ? skipRest(steps) : steps } : undefined;
  const base: GoalStatus = {
    ...prev,
    plan,
    progress: progress(steps),
    ...(findings?.length && { findings: findings.slice(0, 20) }),
  };
  if (!done) {
    const i = steps.findIndex(
      (s) =>
        s.state !== 'Succeeded' &&
        s.state !== 'Skipped' &&
        s.state !== 'Failed' &&
        (s.when !== 'on-failure' || steps.some((x) => x.state === 'Failed')),
    );
    const current = steps[i];
    const message = current
      ? `step ${i + 1}/${steps.length}: ${current.description}${current.message ? ` (${current.message})` : ''}`
      : 'executing';
    return { ...base, conditions: markRunning(prev.conditions, message, now, gen) };
  }
  const finished = { ...base, completedAt: timestamp(now) };
  if (done === 'succeeded') {
    if (planOnly) {
      const message =
        'plan-only: every step passed a server-side dry-run and nothing was changed; set spec.mode: auto to run it';
      return {
        ...finished,
        phase: 'Planned',
        conditions: markSucceeded(prev.conditions, GoalReason.Planned, message, now, gen),
      };
    }
    return {
      ...finished,
      phase: 'Succeeded',
      conditions: markSucceeded(
        prev.conditions,
        GoalReason.Succeeded,
        `all ${steps.filter((s) => s.when !== 'on-failure').length} step(s) succeeded`,
        now,
        gen,
      ),
    };
  }
  const failedIndex = steps.findIndex((s) => s.state === 'Failed');
  const failed = steps[failedIndex];
  const what = failed ? `step ${failedIndex + 1} (${failed.tool}) failed: ${failed.message ?? ''}` : 'a step failed';
  if (done === 'rolled-back') {
    return {
      ...finished,
      phase: 'Failed',
      conditions: markFailed(prev.conditions, GoalReason.RolledBack, `${what}; the rollback succeeded`, now, gen),
    };
  }
  return {
    ...finished,
    phase: 'Failed',
    conditions: markFailed(
      prev.conditions,
      GoalReason.StepFailed,
      `${what}. Fix the cause and change the Goal to run it again.`,
      now,
      gen,
    ),
  };
}

export interface Announcement {
  type: 'Normal' | 'Warning';
  reason: string;
  note: string;
}

/** One Event per decision and per step transition, from the difference between two statuses. */
export function announcements(prev: GoalStatus, next: GoalStatus): Announcement[] {
  const out: Announcement[] = [];
  const ready = (s: GoalStatus) => s.conditions?.find((c) => c.type === ConditionType.Ready);
  if (next.planHash && next.planHash !== prev.planHash) {
    out.push({
      type: 'Normal',
      reason: 'Planned',
      note: `plan ${next.planHash.slice(0, 12)}: ${next.plan?.steps.length ?? 0} step(s), risk ${next.risk}; ${next.decision ?? ''}`,
    });
  }
  const prevSteps = prev.planHash === next.planHash ? (prev.plan?.steps ?? []) : [];
  for (const [i, s] of (next.plan?.steps ?? []).entries()) {
    const before = prevSteps[i];
    if (before && before.state === s.state && before.attempt === s.attempt) continue;
    const label = `step ${i + 1} ${s.tool}`;
    if (s.state === 'Running' && before?.state !== 'Running')
      out.push({ type: 'Normal', reason: 'StepStarted', note: `${label}: ${s.message ?? s.description}` });
    if (s.state === 'Succeeded')
      out.push({ type: 'Normal', reason: 'StepSucceeded', note: `${label}: ${s.message ?? ''}` });
    if (s.state === 'Failed') out.push({ type: 'Warning', reason: 'StepFailed', note: `${label}: ${s.message ?? ''}` });
    if (s.state === 'Pending' && (s.attempt ?? 0) > 1)
      out.push({ type: 'Warning', reason: 'StepRetrying', note: `${label}: ${s.message ?? ''}` });
  }
  const approved = (s: GoalStatus) => s.conditions?.find((c) => c.type === ConditionType.Approved);
  const a = approved(next);
  const ap = approved(prev);
  if (a && next.approvalRef && (a.reason !== ap?.reason || next.approvalRef !== prev.approvalRef)) {
    if (a.reason === GoalReason.ApprovalRequired)
      out.push({ type: 'Normal', reason: 'ApprovalRequested', note: a.message });
    if (a.reason === GoalReason.Approved) out.push({ type: 'Normal', reason: 'Approved', note: a.message });
  }
  const r = ready(next);
  if (r && (r.reason !== ready(prev)?.reason || next.phase !== prev.phase) && r.reason !== GoalReason.Executing) {
    const warn =
      next.phase === 'Failed' ||
      next.phase === 'Denied' ||
      next.phase === 'Stalled' ||
      r.reason === GoalReason.StateStoreUnavailable;
    out.push({ type: warn ? 'Warning' : 'Normal', reason: r.reason, note: r.message });
  }
  return out;
}
