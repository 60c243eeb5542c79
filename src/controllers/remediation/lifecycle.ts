// A Remediation's own phases around the plan engine's: what its occurrences
// add up to, the guard rails before a heal, verification after one (and the
// undo of a heal that did not hold), and the end (Healed or Escalated). Pure:
// the clock and what was read are passed in.
import { timestamp, type PlanStep } from '../../api/v1alpha1/common.js';
import { RemediationReason } from '../../api/v1alpha1/reasons.js';
import type { HealPolicy } from '../../api/v1alpha1/risk-policy.js';
import type { RemediationStatus } from '../../api/v1alpha1/remediation.js';
import { markFailed, markRunning, markSucceeded, markWaiting } from '../../engine/kstatus.js';
import type { Occurrence } from '../../store/state-store.js';

type Status = RemediationStatus;

/** The status fields the occurrences give: how often, first and last seen, and when all were resolved. */
export function fromOccurrences(occurrences: readonly Occurrence[]): Partial<Status> {
  if (!occurrences.length) return {};
  const first = occurrences.map((o) => o.firstSeenAt).sort()[0];
  const last = occurrences
    .map((o) => o.lastSeenAt)
    .sort()
    .at(-1);
  const resolved = occurrences.every((o) => o.state === 'resolved');
  return {
    occurrences: occurrences.length,
    firstSeenAt: first,
    lastSeenAt: last,
    resolvedAt: resolved ? last : undefined,
  };
}

/** A firing occurrence seen after `at`: the issue is back. */
export const firingSince = (occurrences: readonly Occurrence[], at: string | undefined) =>
  occurrences.some((o) => o.state === 'firing' && (!at || Date.parse(o.lastSeenAt) > Date.parse(at)));

export interface GuardInput {
  /** the target is Bosun itself, or in Bosun's namespace */
  self: boolean;
  /** heals of this target in the last hour */
  healsThisHour: number;
  policy: HealPolicy;
}

/** Why a Remediation must not heal now, if it must not. */
export function guard(input: GuardInput): { reason: string; message: string } | undefined {
  if (input.self)
    return {
      reason: RemediationReason.SelfHeal,
      message: 'the target is Bosun itself (or in its namespace): Bosun never heals itself; a person must look',
    };
  if (input.healsThisHour >= input.policy.maxHealsPerHour)
    return {
      reason: RemediationReason.HealLimitReached,
      message:
        `the target was healed ${input.healsThisHour} time(s) this hour, the most the RiskPolicy allows ` +
        '(spec.heal.maxHealsPerHour): escalated instead of healing again',
    };
  return undefined;
}

/** An issue back within the flap window of its last heal. */
export function flapping(prev: Status, policy: HealPolicy, now: Date): boolean {
  if (prev.phase !== 'Healed' || !prev.completedAt) return false;
  return now.getTime() - Date.parse(prev.completedAt) < policy.flapWindowSeconds * 1000;
}

/** Diagnosing: the plan engine plans next. */
export function diagnosing(prev: Status, now: Date, gen: number | undefined): Status {
  const message = 'reading the target, its pods, Events and history';
  return {
    ...prev,
    phase: 'Diagnosing',
    observedGeneration: gen,
    completedAt: undefined,
    verification: undefined,
    conditions: markRunning(prev.conditions, message, now, gen),
  };
}

/** Escalated: a person takes over, with the reason on Ready and Succeeded. */
export function escalated(prev: Status, reason: string, message: string, now: Date, gen: number | undefined): Status {
  return {
    ...prev,
    phase: 'Escalated',
    observedGeneration: gen,
    completedAt: timestamp(now),
    conditions: markFailed(prev.conditions, reason, `escalated: ${message}`, now, gen),
  };
}

/** The heal ran: the symptoms must stay gone until the window ends. */
export function startVerifying(prev: Status, restarts: number, policy: HealPolicy, now: Date): Status {
  const until = timestamp(new Date(now.getTime() + policy.verifySeconds * 1000));
  return {
    ...prev,
    verification: {
      result: 'Pending',
      message: `the symptoms must stay gone until ${until}`,
      since: timestamp(now),
      until,
      checkedAt: timestamp(now),
      restarts,
    },
    // in progress for kstatus until the window ends (Succeeded stays as the heal's steps left it)
    conditions: markWaiting(
      prev.conditions,
      RemediationReason.Verifying,
      `verifying: the target must stay available, with no new restarts, until ${until}`,
      now,
      prev.observedGeneration,
    ),
  };
}

/** What the target looks like now, as verification reads it. */
export interface Health {
  available: boolean;
  /** restarts of the target's current pods */
  restarts: number;
  /** why it is not healthy, for a person */
  problem?: string;
}

/** How long after the verification window an alert may take to resolve. */
export const RESOLVE_GRACE_MS = 5 * 60_000;

export type Verdict =
  { result: 'waiting'; recheckMs: number } | { result: 'passed' } | { result: 'failed'; why: string };

/** Judges a heal at `now` from the target's health and whether the source says the issue is resolved. */
export function judgeHeal(prev: Status, health: Health, alertSource: boolean, now: Date): Verdict {
  const v = prev.verification;
  const until = Date.parse(v?.until ?? '') || now.getTime();
  if (health.restarts > (v?.restarts ?? 0))
    return { result: 'failed', why: `restarts rose from ${v?.restarts ?? 0} to ${health.restarts}` };
  if (now.getTime() < until) return { result: 'waiting', recheckMs: Math.min(until - now.getTime(), 5000) };
  if (!health.available) return { result: 'failed', why: health.problem ?? 'the target is not available' };
  if (alertSource && !prev.resolvedAt) {
    // an alert resolves some time after its cause (rule evaluation, Alertmanager's resolve timeout)
    const left = until + RESOLVE_GRACE_MS - now.getTime();
    if (left > 0) return { result: 'waiting', recheckMs: Math.min(left, 5000) };
    return {
      result: 'failed',
      why: `the alert had not resolved ${RESOLVE_GRACE_MS / 60_000} minutes after the window`,
    };
  }
  return { result: 'passed' };
}

/** Verification passed: Healed. */
export function healed(prev: Status, now: Date): Status {
  const message = `healed: the symptoms stayed gone from ${prev.verification?.since ?? '?'} to ${timestamp(now)}`;
  const heals = (prev.heals ?? []).map((h, i, all) => (i === all.length - 1 ? { ...h, result: 'Healed' as const } : h));
  return {
    ...prev,
    phase: 'Healed',
    heals,
    completedAt: timestamp(now),
    verification: { ...prev.verification, result: 'Passed', message, checkedAt: timestamp(now) },
    conditions: markSucceeded(prev.conditions, RemediationReason.Healed, message, now, prev.observedGeneration),
  };
}

/** Verification failed: said on the status; the fix is undone next, if it can be. */
export function verificationFailed(prev: Status, why: string, now: Date): Status {
  const heals = (prev.heals ?? []).map((h, i, all) =>
    i === all.length - 1 ? { ...h, result: 'VerificationFailed' as const } : h,
  );
  return {
    ...prev,
    heals,
    verification: {
      ...prev.verification,
      result: 'Failed',
      message: `the heal did not hold: ${why}`.slice(0, 2048),
      checkedAt: timestamp(now),
    },
  };
}

/** The undo of what a heal changed: each succeeded step's undo, last first. */
export function undoSteps(steps: readonly PlanStep[]): PlanStep[] {
  return steps
    .filter((s) => s.state === 'Succeeded' && s.undo)
    .reverse()
    .map((s) => ({
      tool: s.undo?.tool ?? '',
      when: 'always' as const,
      params: s.undo?.params ?? {},
      description: s.undo?.description ?? '',
      risk: s.risk,
      state: 'Pending' as const,
      attempt: 0,
    }));
}
