// A workload's latest rollout and whether it is stuck: pure, the clock injected.
import type { HealEvidence, LastChange, RevisionEvidence, WorkloadEvidence } from './evidence.js';

/** A rollout this recent is a suspect. */
export const RECENT_ROLLOUT_SECONDS = 3600;

/** The target's latest rollout, when it is recent. */
export interface RecentRollout {
  /** Deployments: the revision rolled out */
  revision?: number;
  at: string;
  /** who made it through Bosun (absent: someone else, or not known) */
  by?: LastChange;
}

/** 90 s, 12 min, 3 h, 2 d: how long ago, for people. */
export function ago(at: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export const targetName = (w: Pick<WorkloadEvidence, 'kind' | 'name'>) => `${w.kind.toLowerCase()}/${w.name}`;

export const byLine = (c: LastChange) => `${c.kind} ${c.name}`;

/** The revision the workload's template is at (Deployments). */
export const currentRevision = (e: HealEvidence): RevisionEvidence | undefined =>
  e.workload?.revision === undefined ? undefined : e.revisions.find((r) => r.revision === e.workload?.revision);

/**
 * The latest rollout, if it happened within `recentSeconds` of now: the current ReplicaSet's birth, or
 * Bosun's change.
 */
export function recentRollout(e: HealEvidence, now: Date, recentSeconds = RECENT_ROLLOUT_SECONDS) {
  const within = (at: string | undefined) => {
    const t = at === undefined ? NaN : Date.parse(at);
    return Number.isFinite(t) && now.getTime() - t <= recentSeconds * 1e3 && t <= now.getTime() + 60e3;
  };
  const by = e.lastChange && within(e.lastChange.at) ? e.lastChange : undefined;
  // a rollback re-uses an old ReplicaSet (an old creationTimestamp): Bosun's record of the change then tells
  const born = currentRevision(e)?.created;
  const at = [born, by?.at].filter(within).sort((a, b) => Date.parse(b ?? '') - Date.parse(a ?? ''))[0];
  if (at === undefined) return undefined;
  const rollout: RecentRollout = { at, ...(e.workload?.revision !== undefined && { revision: e.workload.revision }) };
  return by ? { ...rollout, by } : rollout;
}

/** The Deployment's Progressing condition says its deadline passed (as the controller sees the current spec). */
export function progressDeadlineExceeded(w: WorkloadEvidence): string | undefined {
  if ((w.observedGeneration ?? 0) < (w.generation ?? 0)) return undefined;
  const c = w.conditions.find((x) => x.type === 'Progressing');
  return c?.status === 'False' && c.reason === 'ProgressDeadlineExceeded' ? (c.message ?? 'no progress') : undefined;
}
