// What the plan engine tells its metrics: each step that ended or was retried,
// each phase a subject entered (from the status before and after a
// reconcile's write), the subjects by phase and the pending Approvals (read
// from the caches at scrape time). The readings are pure; `planMetrics` and
// `watchCaches` hand them to the registry.
import { z } from 'zod';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { PendingApproval, PhaseCount } from '../telemetry/work-metrics.js';
import type { PlanStatus } from './subject.js';

export interface StepResult {
  tool: string;
  result: 'Succeeded' | 'Failed' | 'Retrying';
}

/** The steps a status write ended or sent back to retry: a step counts once, when its state or attempt moves. */
export function stepResults(prev: PlanStatus, next: PlanStatus): StepResult[] {
  // a new plan's steps are all new: nothing of the old plan's is compared with them
  const before = prev.planHash === next.planHash ? (prev.plan?.steps ?? []) : [];
  const out: StepResult[] = [];
  for (const [i, s] of (next.plan?.steps ?? []).entries()) {
    const b = before[i];
    if (b && b.state === s.state && b.attempt === s.attempt) continue;
    if (s.state === 'Succeeded' || s.state === 'Failed') out.push({ tool: s.tool, result: s.state });
    else if (s.state === 'Pending' && (s.attempt ?? 0) > 1) out.push({ tool: s.tool, result: 'Retrying' });
  }
  return out;
}

/** The phase a status write entered, or undefined when the phase stayed. */
export const phaseEntered = (prev: PlanStatus, next: PlanStatus) =>
  next.phase && next.phase !== prev.phase ? next.phase : undefined;

/** The objects of one kind by phase; `None` for those with no phase yet. */
export function phaseCounts(objects: readonly KubeObject[]): PhaseCount[] {
  const counts = new Map<string, number>();
  for (const o of objects) {
    const phase = (o.status as { phase?: unknown } | undefined)?.phase;
    const key = typeof phase === 'string' && phase ? phase : 'None';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([phase, count]) => ({ phase, count }));
}

const ApprovalTimes = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().default(''),
    creationTimestamp: z.string(),
    deletionTimestamp: z.string().optional(),
  }),
  spec: z.object({ expiresAt: z.string() }),
  status: z.object({ state: z.string().optional() }).optional(),
});

/**
 * The Approvals still waiting for their decisions (no state yet, or Pending), with how long each has
 * waited and its TTL (spec.expiresAt less its creation). One Bosun has not yet marked Expired stays
 * here past its TTL: it is still waiting.
 */
export function pendingApprovals(objects: readonly KubeObject[], now: Date): PendingApproval[] {
  const out: PendingApproval[] = [];
  for (const o of objects) {
    const a = ApprovalTimes.safeParse(o);
    if (!a.success || a.data.metadata.deletionTimestamp) continue;
    const state = a.data.status?.state;
    if (state !== undefined && state !== 'Pending') continue;
    const created = Date.parse(a.data.metadata.creationTimestamp);
    const expires = Date.parse(a.data.spec.expiresAt);
    if (Number.isNaN(created) || Number.isNaN(expires)) continue;
    out.push({
      namespace: a.data.metadata.namespace,
      name: a.data.metadata.name,
      waitingSeconds: Math.max(0, (now.getTime() - created) / 1000),
      ttlSeconds: Math.max(0, (expires - created) / 1000),
    });
  }
  return out;
}

/** Counts what one status write of a `kind` subject did: its steps' results and the phase it entered. */
export const planMetrics =
  (metrics: Pick<Metrics, 'planSteps' | 'phaseTransitions'>) =>
  (kind: string, prev: PlanStatus, next: PlanStatus): void => {
    const mode = next.mode ?? 'auto';
    for (const s of stepResults(prev, next)) metrics.planSteps.inc({ kind, tool: s.tool, mode, result: s.result });
    const phase = phaseEntered(prev, next);
    if (phase) metrics.phaseTransitions.inc({ kind, phase });
  };
