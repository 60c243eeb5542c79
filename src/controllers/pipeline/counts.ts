// A Pipeline's record of its runs (pure): each finished run counted once (its
// name is kept, so a restart or a second look counts nothing twice), the
// consecutive failures, and a halt after haltAfterFailures of them in a row.
// A spec change, or `kubectl bosun pipeline resume` (an annotation with a time
// after the halt), lifts the halt.
import { timestamp } from '../../api/v1alpha1/common.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import type { Pipeline, PipelineStatus } from '../../api/v1alpha1/pipeline.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import { removeCondition, setCondition } from '../../runtime/conditions.js';
import { markReady, markStalled } from '../../engine/kstatus.js';
import { failedAtThreshold } from '../pipelinerun/security.js';

/** `kubectl bosun pipeline resume` sets this to the time it was asked. */
export const RESUMED_AT = 'bosun.dev/resumed-at';
/** How many counted run names are kept (the newest). */
export const MAX_COUNTED = 50;

/** Run phases that end a run for the counts; a refused run never started and is not counted. */
const COUNTED = new Set(['Succeeded', 'Failed', 'Cancelled']);

export interface Counted {
  status: PipelineStatus;
  /** what changed, for Events */
  halted?: string;
  resumed?: string;
}

export function countRuns(pipeline: Pipeline, runs: readonly PipelineRun[], now: Date): Counted {
  const gen = pipeline.metadata.generation ?? 0;
  const prev: PipelineStatus = pipeline.status ?? {
    runs: 0,
    successCount: 0,
    failureCount: 0,
    consecutiveFailures: 0,
  };
  let s: PipelineStatus = { ...prev, observedGeneration: gen };
  const out: Counted = { status: s };

  // resumed: a spec change after the halt, or the resume annotation newer than it
  const resumedAt = pipeline.metadata.annotations?.[RESUMED_AT];
  if (s.halted && (gen > s.halted.generation || (resumedAt && Date.parse(resumedAt) > Date.parse(s.halted.since)))) {
    out.resumed = gen > s.halted.generation ? 'its spec changed' : `resumed at ${resumedAt}`;
    s = { ...s, halted: undefined, consecutiveFailures: 0 };
  }

  const counted = new Set(s.counted ?? []);
  const fresh = runs
    .filter((r) => r.spec.pipelineRef.name === pipeline.metadata.name)
    .filter((r) => COUNTED.has(r.status?.phase ?? '') && !counted.has(r.metadata.name))
    .sort((a, b) => (a.status?.completedAt ?? '').localeCompare(b.status?.completedAt ?? ''));
  for (const r of fresh) {
    const phase = r.status?.phase ?? '';
    s = {
      ...s,
      runs: s.runs + 1,
      successCount: s.successCount + (phase === 'Succeeded' ? 1 : 0),
      failureCount: s.failureCount + (phase === 'Failed' ? 1 : 0),
      // a cancel is neither: it leaves the run of failures as it was
      consecutiveFailures: phase === 'Succeeded' ? 0 : s.consecutiveFailures + (phase === 'Failed' ? 1 : 0),
      lastRun: {
        name: r.metadata.name,
        phase,
        startedAt: r.status?.startedAt,
        completedAt: r.status?.completedAt,
      },
      counted: [...(s.counted ?? []), r.metadata.name].slice(-MAX_COUNTED),
    };
  }

  // a security stage over the threshold halts at once: the next push would ship what it found
  const insecure = fresh.find((r) => r.status?.phase === 'Failed' && r.status.stages?.some(failedAtThreshold));
  if (!s.halted && insecure) {
    const stage = insecure.status?.stages?.find(failedAtThreshold);
    const message = `run ${insecure.metadata.name}: stage ${stage?.name} ${stage?.message ?? ''}`.slice(0, 1024);
    s = { ...s, halted: { since: timestamp(now), generation: gen, message } };
    out.halted = message;
  }

  const limit = pipeline.spec.haltAfterFailures;
  if (!s.halted && s.consecutiveFailures >= limit && fresh.length) {
    const message =
      `${s.consecutiveFailures} runs failed in a row (haltAfterFailures: ${limit}), ` + `the last ${s.lastRun?.name}`;
    s = { ...s, halted: { since: timestamp(now), generation: gen, message } };
    out.halted = message;
  }

  // halted is Stalled for kstatus (Failed: nothing runs until a person resumes it); otherwise Ready
  if (s.halted) {
    const message =
      `halted: ${s.halted.message}; new runs are refused until ` +
      `kubectl bosun pipeline resume ${pipeline.metadata.name}, or a spec change`;
    const stalled = markStalled(s.conditions, PipelineReason.Halted, message, now, gen);
    const halted = { type: 'Halted', status: 'True' as const, reason: PipelineReason.Halted, message };
    out.status = { ...s, conditions: setCondition(stalled, halted, now, gen) };
    return out;
  }
  const message = s.lastRun
    ? `${s.runs} run(s), ${s.successCount} succeeded, ${s.failureCount} failed; ` +
      `the last, ${s.lastRun.name}, ${s.lastRun.phase}`
    : 'no run has finished yet';
  const conditions = markReady(removeCondition(s.conditions, 'Halted'), 'Ready', message, now, gen);
  out.status = { ...s, conditions };
  return out;
}
