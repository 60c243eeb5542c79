// A plan's life in its subject's status (a Goal, a Remediation): planned, held,
// denied, executing, and finished, in the kind's own phase names. Pure: each
// takes the previous status and returns the next; the conditions each phase
// carries for kstatus (Reconciling, Stalled, Ready, Succeeded) are kstatus.ts's.
import type { PlanStep } from '../api/v1alpha1/common.js';
import { timestamp } from '../api/v1alpha1/common.js';
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../runtime/conditions.js';
import { progress, skipRest } from './execution.js';
import type { DecidedPlan } from './assess.js';
import { markAwaitingApproval, markFailed, markRunning, markSucceeded } from './kstatus.js';
import type { PlanStatus, SubjectKind } from './subject.js';

type C = PlanStatus['conditions'];
const set = (
  c: C,
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: Date,
  gen?: number,
) => setCondition(c, { type, status, reason, message }, now, gen);

/** The status right after a plan is made and policy has decided. */
export function afterPlanning<S extends PlanStatus>(
  kind: Pick<SubjectKind<S>, 'kind' | 'phases'>,
  prev: S,
  plan: DecidedPlan,
  mode: 'plan-only' | 'auto',
  now: Date,
  gen: number | undefined,
  policyVersion?: string,
): S {
  const { phases } = kind;
  const summary = `plan ${plan.hash.slice(0, 12)}: ${plan.steps.length} step(s), risk ${plan.risk}`;
  const base: S = {
    ...prev,
    observedGeneration: gen,
    plan: { hash: plan.hash, risk: plan.risk, reasoning: plan.reasoning, steps: plan.steps },
    planHash: plan.hash,
    planGeneration: gen,
    mode,
    risk: plan.risk,
    riskReasons: plan.reasons,
    decision: plan.decision.rule,
    policyVersion,
    progress: progress(plan.steps),
    startedAt: undefined,
    completedAt: undefined,
  };
  let c = removeCondition(prev.conditions, ConditionType.Stalled);
  c = set(c, ConditionType.Planned, 'True', PlanReason.Planned, summary, now, gen);
  if (plan.decision.action === 'deny') {
    const message = `denied: ${plan.decision.rule}. Change the ${kind.kind} or the RiskPolicy to proceed.`;
    return {
      ...base,
      phase: phases.denied,
      completedAt: timestamp(now),
      conditions: markFailed(c, PlanReason.Denied, message, now, gen),
    };
  }
  if (plan.decision.action === 'approve') {
    const message = `held for approval: ${plan.decision.rule}${plan.reasons.length ? ` (risk ${plan.risk}: ${plan.reasons.join('; ')})` : ''}`;
    c = set(c, ConditionType.Approved, 'False', PlanReason.ApprovalRequired, message, now, gen);
    return { ...base, phase: phases.awaitingApproval, conditions: markAwaitingApproval(c, message, now, gen) };
  }
  if (!plan.steps.length) {
    return {
      ...base,
      phase: phases.succeeded,
      completedAt: timestamp(now),
      conditions: markSucceeded(c, PlanReason.NothingToDo, plan.reasoning, now, gen),
    };
  }
  const running =
    mode === 'plan-only'
      ? 'plan-only: dry-running every step on the server'
      : `step 1/${plan.steps.length}: ${plan.steps[0]?.description ?? ''}`;
  return { ...base, phase: phases.executing, startedAt: timestamp(now), conditions: markRunning(c, running, now, gen) };
}

/** The status after one step moved on; `done` when the plan has finished. */
export function afterStep<S extends PlanStatus>(
  kind: Pick<SubjectKind<S>, 'kind' | 'phases'>,
  prev: S,
  steps: PlanStep[],
  done: 'succeeded' | 'failed' | 'rolled-back' | undefined,
  planOnly: boolean,
  now: Date,
  gen: number | undefined,
): S {
  const { phases } = kind;
  const plan = prev.plan ? { ...prev.plan, steps: done ? skipRest(steps) : steps } : undefined;
  const base: S = { ...prev, plan, progress: progress(steps), observedGeneration: gen ?? prev.observedGeneration };
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
        phase: phases.planned,
        conditions: markSucceeded(prev.conditions, PlanReason.Planned, message, now, gen),
      };
    }
    return {
      ...finished,
      phase: phases.succeeded,
      conditions: markSucceeded(
        prev.conditions,
        PlanReason.Succeeded,
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
      phase: phases.failed,
      conditions: markFailed(prev.conditions, PlanReason.RolledBack, `${what}; the rollback succeeded`, now, gen),
    };
  }
  return {
    ...finished,
    phase: phases.failed,
    conditions: markFailed(
      prev.conditions,
      PlanReason.StepFailed,
      `${what}. Fix the cause and change the ${kind.kind} to run it again.`,
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
export function announcements(
  kind: Pick<SubjectKind, 'warningPhases'>,
  prev: PlanStatus,
  next: PlanStatus,
): Announcement[] {
  const out: Announcement[] = [];
  const ready = (s: PlanStatus) => s.conditions?.find((c) => c.type === ConditionType.Ready);
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
  const approved = (s: PlanStatus) => s.conditions?.find((c) => c.type === ConditionType.Approved);
  const a = approved(next);
  const ap = approved(prev);
  if (a && next.approvalRef && (a.reason !== ap?.reason || next.approvalRef !== prev.approvalRef)) {
    if (a.reason === PlanReason.ApprovalRequired)
      out.push({ type: 'Normal', reason: 'ApprovalRequested', note: a.message });
    if (a.reason === PlanReason.Approved) out.push({ type: 'Normal', reason: 'Approved', note: a.message });
  }
  const r = ready(next);
  if (r && (r.reason !== ready(prev)?.reason || next.phase !== prev.phase) && r.reason !== PlanReason.Executing) {
    const warn = kind.warningPhases.includes(next.phase ?? '') || r.reason === PlanReason.StateStoreUnavailable;
    out.push({ type: warn ? 'Warning' : 'Normal', reason: r.reason, note: r.message });
  }
  return out;
}
