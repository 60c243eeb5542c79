// A stage's status through its attempts (pure): an attempt starts, and ends in
// success, in a failure that waits out its retry delay before the next
// attempt, in a failure with no retry left, or stopped by the run. Earlier
// attempts stay in the history, so `kubectl describe` shows each one's times
// and exit code, and the delays between them.
import { timestamp } from '../../api/v1alpha1/common.js';
import type { StageFindings, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import type { RetryPolicy } from '../../api/v1alpha1/pipeline.js';

export const MAX_HISTORY = 10;

/** How an attempt ended. */
export interface AttemptEnd {
  outcome: 'succeeded' | 'failed' | 'cancelled';
  exitCode?: number | null;
  /** why, in a few words: "exit code 2", "timed out after 600 s", "the run was cancelled" */
  reason: string;
  findings?: StageFindings;
  log?: string;
  finishedAt: Date;
}

/** The delay before the attempt after `attempt` (1-based), when `attempt` failed. */
export function retryDelaySeconds(retry: RetryPolicy, attempt: number): number {
  const delay = retry.backoffSeconds * retry.factor ** Math.max(0, attempt - 1);
  return Math.min(Math.round(delay), retry.maxBackoffSeconds);
}

export function startAttempt(prev: StageStatus, attempt: number, now: Date, log?: string): StageStatus {
  const at = timestamp(now);
  return {
    ...prev,
    state: 'Running',
    attempts: attempt,
    startedAt: prev.startedAt ?? at,
    attemptStartedAt: at,
    nextAttemptAt: undefined,
    finishedAt: undefined,
    ...(log && { log }),
  };
}

export function endAttempt(prev: StageStatus, end: AttemptEnd, retry: RetryPolicy | undefined): StageStatus {
  const finishedAt = timestamp(end.finishedAt);
  const record = {
    attempt: Math.max(1, prev.attempts),
    startedAt: prev.attemptStartedAt,
    finishedAt,
    exitCode: end.exitCode,
    reason: end.reason.slice(0, 512),
  };
  const history = [...(prev.history ?? []), record].slice(-MAX_HISTORY);
  const base: StageStatus = {
    ...prev,
    history,
    attemptStartedAt: undefined,
    exitCode: end.exitCode,
    message: end.reason,
    ...(end.findings && { findings: end.findings }),
    ...(end.log && { log: end.log }),
  };
  const retriesLeft = retry ? retry.max - (prev.attempts - 1) : 0;
  if (end.outcome === 'failed' && retry && retriesLeft > 0) {
    const delay = retryDelaySeconds(retry, prev.attempts);
    const next = new Date(end.finishedAt.getTime() + delay * 1000);
    return {
      ...base,
      state: 'Waiting',
      nextAttemptAt: timestamp(next),
      message: `${end.reason}; attempt ${prev.attempts + 1} of ${retry.max + 1} in ${delay} s`,
    };
  }
  const state = end.outcome === 'succeeded' ? 'Succeeded' : end.outcome === 'failed' ? 'Failed' : 'Cancelled';
  const started = prev.startedAt ? Date.parse(prev.startedAt) : end.finishedAt.getTime();
  return {
    ...base,
    state,
    finishedAt,
    nextAttemptAt: undefined,
    durationSeconds: Math.max(0, (end.finishedAt.getTime() - started) / 1000),
  };
}
