// One pass over a running PipelineRun's stages: the schedule says what to look
// at, start, skip and stop; each attempt runs through the engine's step
// invoker (journalled, on the requester's authority, in the action log), and
// its end moves the stage on (a retry delay, success, failure). The run's
// phase follows when every stage is over.
import { timestamp } from '../../api/v1alpha1/common.js';
import type { PlanStep } from '../../api/v1alpha1/common.js';
import type { PipelineRun, PipelineRunStatus, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import type { Invoked } from '../../engine/execute.js';
import { markFailed, markRunning, markSucceeded } from '../../engine/kstatus.js';
import { StageParams, STAGE_POLL_MS, type StageProgress } from '../../tools/pipeline/stage.js';
import { FINAL, schedule } from './schedule.js';
import { judgeSecurity } from './security.js';
import { endAttempt, startAttempt, type AttemptEnd } from './stage-status.js';

type Status = PipelineRunStatus;
export type Invoke = (run: PipelineRun, step: PlanStep, index: number, attempt: number, now: Date) => Promise<Invoked>;

interface StageStep {
  index: number;
  step: PlanStep;
  params: StageParams;
}

/** The plan's stage steps, by stage name. */
export function stageSteps(status: Status): Map<string, StageStep> {
  const out = new Map<string, StageStep>();
  (status.plan?.steps ?? []).forEach((step, index) => {
    const params = StageParams.safeParse(step.params);
    if (params.success) out.set(params.data.stage, { index, step, params: params.data });
  });
  return out;
}

/**
 * What the stages a stage waits for (directly or not) made, for its attempts: the image a build pushed. Only
 * those stages, which ended before it started, so an attempt's params stay the same from its start to its end.
 */
export function stageInputs(
  name: string,
  steps: ReadonlyMap<string, StageStep>,
  stages: ReadonlyMap<string, StageStatus>,
): StageParams['inputs'] {
  const before = new Set<string>();
  const visit = (n: string) => {
    for (const d of steps.get(n)?.params.dependsOn ?? []) {
      if (!before.has(d)) {
        before.add(d);
        visit(d);
      }
    }
  };
  visit(name);
  // a finally stage runs after every main stage: what they made is settled when it starts
  if (steps.get(name)?.params.finally)
    for (const s of steps.values()) if (!s.params.finally) before.add(s.params.stage);
  const image = [...before]
    .map((n) => stages.get(n))
    .find((s) => (s?.state === 'Succeeded' || s?.state === 'Reused') && s.findings?.image)?.findings?.image;
  return image ? { image } : undefined;
}

/** How an attempt's call ended, as the stage's status reads it; undefined while it runs. */
function attemptEnd(ran: Invoked, now: Date): AttemptEnd | undefined {
  if ('stall' in ran) return { outcome: 'failed', exitCode: null, reason: ran.stall.message, finishedAt: now };
  const { outcome } = ran;
  if (outcome.kind === 'pending') return undefined;
  if (outcome.kind === 'failed')
    return { outcome: 'failed', exitCode: null, reason: outcome.message.slice(0, 512), finishedAt: now };
  const p = outcome.data as StageProgress | undefined;
  if (!p || p.state !== 'ended') return undefined;
  return {
    outcome: p.outcome,
    exitCode: p.exitCode,
    reason: p.reason,
    findings: p.findings,
    log: p.log,
    finishedAt: p.finishedAt ? new Date(p.finishedAt) : now,
  };
}

const duration = (seconds: number) => {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  return h ? `${h}h${m % 60}m` : m ? `${m}m${s % 60}s` : `${s}s`;
};

export interface StagePass {
  next: Status;
  requeueAfter?: number;
}

export async function advanceStages(
  invoke: Invoke,
  run: PipelineRun,
  opts: { concurrency: number; now: Date },
): Promise<StagePass> {
  const { now } = opts;
  const prev: Status = run.status ?? {};
  const steps = stageSteps(prev);
  const stages = new Map((prev.stages ?? []).map((s) => [s.name, s]));
  const stagesBefore = new Map((prev.stages ?? []).map((s) => [s.name, s.state]));
  // a cancel (the one change a run's spec allows) is observed by the pass that stops its stages
  const gen = run.metadata.generation;
  const set = (s: StageStatus) => stages.set(s.name, s);

  /** One call for an attempt: its end, if it ended. */
  const call = async (name: string, attempt: number, cancel?: boolean) => {
    const s = steps.get(name);
    if (!s) return undefined;
    const inputs = stageInputs(name, steps, stages);
    const params = { ...s.step.params, attempt, ...(inputs && { inputs }), ...(cancel && { cancel: true }) };
    return attemptEnd(await invoke(run, { ...s.step, params }, s.index, attempt, now), now);
  };
  const ended = (name: string, given: AttemptEnd | undefined) => {
    const st = stages.get(name);
    const params = steps.get(name)?.params;
    if (!st || !given || !params) return;
    const { agent, securityThreshold } = params;
    const end =
      agent === 'security' && securityThreshold ? judgeSecurity(given, securityThreshold, params.pipeline) : given;
    // a finding over the threshold is found again by a retry of the same revision: no retry
    set(endAttempt(st, end, end === given ? params.retry : undefined));
  };

  const plan = schedule({
    stages: [...steps.values()].map(({ params }) => ({
      name: params.stage,
      dependsOn: params.dependsOn,
      finally: params.finally,
      timeoutSeconds: params.timeoutSeconds,
    })),
    status: [...stages.values()].map((s) => ({
      name: s.name,
      state: s.state,
      attempts: s.attempts,
      startedAt: s.attemptStartedAt,
      nextAttemptAt: s.nextAttemptAt,
    })),
    concurrency: opts.concurrency,
    now,
    cancelled: run.spec.status === 'Cancelled',
    deadline: prev.deadline ? new Date(prev.deadline) : undefined,
  });

  for (const name of plan.poll) ended(name, await call(name, stages.get(name)?.attempts ?? 1));
  for (const c of plan.cancel) {
    const st = stages.get(c.stage);
    if (!st) continue;
    if (!c.running) set({ ...st, state: 'Cancelled', message: c.reason, nextAttemptAt: undefined });
    else {
      await call(c.stage, st.attempts, true);
      ended(c.stage, { outcome: 'cancelled', exitCode: null, reason: c.reason, finishedAt: now });
    }
  }
  for (const s of plan.skip) {
    const st = stages.get(s.stage);
    if (st) set({ ...st, state: 'Skipped', message: s.reason });
  }
  for (const { stage, attempt } of plan.start) {
    const st = stages.get(stage);
    if (!st) continue;
    set(startAttempt(st, attempt, now));
    ended(stage, await call(stage, attempt));
  }

  const list = (prev.stages ?? []).map((s) => stages.get(s.name) ?? s);
  const done = list.filter((s) => FINAL.has(s.state)).length;
  const startedAt = prev.startedAt ?? timestamp(now);
  const seconds = (now.getTime() - Date.parse(startedAt)) / 1000;
  const failed = list.find((s) => s.state === 'Failed' && !s.finally);
  // the duration moves with the stages: a pass that only looked at running stages writes nothing
  const moved = plan.done !== undefined || JSON.stringify(list) !== JSON.stringify(prev.stages);
  const base: Status = {
    ...prev,
    observedGeneration: gen,
    stages: list,
    progress: `${done}/${list.length}`,
    failedStage: failed?.name ?? prev.failedStage,
    ...(moved && { durationSeconds: seconds, duration: duration(seconds) }),
  };
  // the schedule saw the stages before this pass: one that ended may let others start, so look again at once
  const settled = list.some((s) => FINAL.has(s.state) && !FINAL.has(stagesBefore.get(s.name) ?? 'Pending'));
  if (plan.done) {
    const { phase, failedStage, message } = plan.done;
    const at = timestamp(now);
    const conditions =
      phase === 'Succeeded'
        ? markSucceeded(prev.conditions, PipelineReason.RunSucceeded, message, now, gen)
        : markFailed(
            prev.conditions,
            phase === 'Cancelled' ? PipelineReason.RunCancelled : PipelineReason.RunFailed,
            message,
            now,
            gen,
          );
    return { next: { ...base, phase, failedStage, completedAt: at, conditions } };
  }
  const running = list.filter((s) => s.state === 'Running').map((s) => s.name);
  const message = running.length ? `running ${running.join(', ')} (${base.progress} done)` : `${base.progress} done`;
  const next = { ...base, conditions: markRunning(prev.conditions, message, now, gen) };
  const wake = plan.wakeAt ? Math.max(1, plan.wakeAt.getTime() - now.getTime()) : undefined;
  const poll = running.length ? STAGE_POLL_MS : undefined;
  const requeueAfter = settled ? 1 : Math.min(wake ?? Infinity, poll ?? Infinity);
  return { next, requeueAfter: Number.isFinite(requeueAfter) ? requeueAfter : undefined };
}
