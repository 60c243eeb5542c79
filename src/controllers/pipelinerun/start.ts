// Whether a new PipelineRun may start, and with what (pure): a halted Pipeline
// refuses it; the Pipeline's concurrency policy queues it behind a running run
// or cancels the running run of its branch; spec.resumeFrom reuses the stages
// an earlier run of the same revision already passed. And the statuses of a
// run that ends (refused, cancelled) or waits (queued) before it starts.
import type { PlanStep } from '../../api/v1alpha1/common.js';
import type { PipelineRun, PipelineRunStatus, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import type { Pipeline } from '../../api/v1alpha1/pipeline.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import { markFailed, markWaiting } from '../../engine/kstatus.js';
import type { Stall } from '../../engine/subject.js';
import { StageParams, operatorStage } from '../../tools/pipeline/stage.js';

/** The phases of a run that holds its Pipeline's one slot. */
export const ACTIVE = new Set(['Running', 'AwaitingApproval']);

export function haltedRefusal(pipeline: Pipeline): Stall | undefined {
  const halted = pipeline.status?.halted;
  if (!halted) return undefined;
  return {
    reason: PipelineReason.PipelineHalted,
    message:
      `Pipeline ${pipeline.metadata.name} is halted since ${halted.since} (${halted.message}): resume it with ` +
      `kubectl bosun pipeline resume ${pipeline.metadata.name}, or change its spec, then create a new run`,
  };
}

/** A run that ends before it starts (refused, cancelled): Stalled for kstatus, with the reason. */
export function endedStatus(
  run: PipelineRun,
  phase: 'Refused' | 'Cancelled',
  reason: string,
  message: string,
  now: Date,
): PipelineRunStatus {
  const prev = run.status ?? {};
  const gen = run.metadata.generation;
  return {
    ...prev,
    phase,
    observedGeneration: gen,
    completedAt: timestamp(now),
    conditions: markFailed(prev.conditions, reason, message, now, gen),
  };
}

/** A run waiting behind another (Pipeline concurrencyPolicy: Queue): in progress for kstatus. */
export function queuedStatus(run: PipelineRun, behind: string, now: Date): PipelineRunStatus {
  const prev = run.status ?? {};
  const gen = run.metadata.generation;
  const message = `waiting for run ${behind} to finish (Pipeline concurrencyPolicy: Queue)`;
  const conditions = markWaiting(prev.conditions, PipelineReason.Queued, message, now, gen);
  return { ...prev, phase: 'Queued', observedGeneration: gen, conditions };
}

const createdBefore = (a: PipelineRun, b: PipelineRun) =>
  (a.metadata.creationTimestamp ?? '') < (b.metadata.creationTimestamp ?? '') ||
  (a.metadata.creationTimestamp === b.metadata.creationTimestamp && a.metadata.name < b.metadata.name);

const branchOf = (run: PipelineRun, pipeline: Pipeline) => run.spec.branch ?? pipeline.spec.source.branch;

/** What the concurrency policy makes of the other runs: wait behind one, or cancel the ones of this branch. */
export function concurrency(
  run: PipelineRun,
  pipeline: Pipeline,
  others: readonly PipelineRun[],
): { queueBehind?: string; cancel: string[] } {
  const mine = others.filter(
    (o) =>
      o.metadata.name !== run.metadata.name &&
      o.spec.pipelineRef.name === pipeline.metadata.name &&
      o.spec.status !== 'Cancelled' &&
      ACTIVE.has(o.status?.phase ?? ''),
  );
  if (pipeline.spec.concurrencyPolicy === 'CancelPrevious') {
    const branch = branchOf(run, pipeline);
    const cancel = mine.filter((o) => createdBefore(o, run) && branchOf(o, pipeline) === branch);
    return { cancel: cancel.map((o) => o.metadata.name) };
  }
  const ahead = mine.find((o) => createdBefore(o, run)) ?? mine[0];
  return { queueBehind: ahead?.metadata.name, cancel: [] };
}

/** A stage's step, as far as its result can be reused: everything but the run it was planned for. */
const reusable = (step: PlanStep | undefined) => {
  const p = StageParams.safeParse(step?.params);
  if (!p.success) return undefined;
  const { run: _run, attempt: _attempt, cancel: _cancel, ...rest } = p.data;
  return JSON.stringify(rest);
};

/**
 * The stages of a run at its start: Pending, or Reused from spec.resumeFrom when that run passed the same
 * stage (the same definition, at the same revision of the same Pipeline).
 */
export function initialStages(
  run: PipelineRun,
  steps: readonly PlanStep[],
  from: PipelineRun | undefined,
): { stages: StageStatus[] } | { stall: Stall } {
  if (run.spec.resumeFrom && !from)
    return {
      stall: {
        reason: PipelineReason.ResumeFromInvalid,
        message: `spec.resumeFrom names PipelineRun ${run.spec.resumeFrom}, which does not exist: create a new run`,
      },
    };
  if (from && (from.spec.pipelineRef.name !== run.spec.pipelineRef.name || from.spec.revision !== run.spec.revision))
    return {
      stall: {
        reason: PipelineReason.ResumeFromInvalid,
        message:
          `spec.resumeFrom names ${from.metadata.name}, a run of ${from.spec.pipelineRef.name} at ` +
          `${from.spec.revision}: a run resumes one of the same Pipeline at the same revision only`,
      },
    };
  const earlier = new Map<string, { stage: StageStatus; step?: PlanStep }>();
  for (const stage of from?.status?.stages ?? []) {
    const step = from?.status?.plan?.steps.find((s) => StageParams.safeParse(s.params).data?.stage === stage.name);
    earlier.set(stage.name, { stage, step });
  }
  const stages = steps.map((step): StageStatus => {
    const params = StageParams.parse(step.params);
    // a deploy or report stage without a command is the operator's own: it runs on neither
    const runOn = operatorStage(params) ? {} : { runOn: params.runOn };
    const base: StageStatus = { name: params.stage, state: 'Pending', attempts: 0, ...runOn };
    if (params.finally) return { ...base, finally: true };
    const old = earlier.get(params.stage);
    const passed = old && (old.stage.state === 'Succeeded' || old.stage.state === 'Reused');
    if (!from || !passed || reusable(old.step) !== reusable(step)) return base;
    return {
      ...base,
      state: 'Reused',
      reusedFrom: old.stage.reusedFrom ?? from.metadata.name,
      exitCode: old.stage.exitCode,
      findings: old.stage.findings,
      log: old.stage.log,
      message: `reused: it succeeded in ${old.stage.reusedFrom ?? from.metadata.name} at the same revision`,
    };
  });
  return { stages };
}
