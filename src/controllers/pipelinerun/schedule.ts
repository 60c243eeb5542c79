// What a PipelineRun does next, from its stages as they stand (pure): which
// running attempts to look at, which stages to start (each after what it
// depends on, waiting out its retry delay, no more at once than the run's
// concurrency), which to skip because a stage they need did not succeed, which
// to stop (a cancelled run, a run past its timeout, an attempt past its own),
// when to look again, and how the run ended. Finally stages start once every
// other stage is over, whatever happened.
import type { StageState } from '../../api/v1alpha1/pipeline-run.js';

export interface ScheduledStage {
  name: string;
  dependsOn: readonly string[];
  finally: boolean;
  timeoutSeconds: number;
}

export interface StageNow {
  name: string;
  state: StageState;
  attempts: number;
  startedAt?: string;
  nextAttemptAt?: string;
}

export interface RunNow {
  /** main stages first, then finally stages, as the plan has them */
  stages: readonly ScheduledStage[];
  status: readonly StageNow[];
  concurrency: number;
  now: Date;
  /** spec.status: Cancelled */
  cancelled: boolean;
  /** when the run's own timeout ends it */
  deadline?: Date;
}

export interface Schedule {
  /** running attempts to look at */
  poll: string[];
  /** stages whose next attempt starts now (attempt: its number) */
  start: { stage: string; attempt: number }[];
  /** stages that will not run, and why */
  skip: { stage: string; reason: string }[];
  /** stages that will not run because the run was stopped, and running attempts to stop */
  cancel: { stage: string; reason: string; running: boolean }[];
  /** the earliest time something is due (a retry delay, an attempt's timeout, the run's) */
  wakeAt?: Date;
  /** every stage is over: how the run ended */
  done?: { phase: 'Succeeded' | 'Failed' | 'Cancelled'; failedStage?: string; message: string };
}

/** The states a stage does not leave. */
export const FINAL: ReadonlySet<StageState> = new Set(['Succeeded', 'Failed', 'Skipped', 'Cancelled', 'Reused']);
const OK: ReadonlySet<StageState> = new Set(['Succeeded', 'Reused']);
/** Grace past an attempt's own timeout (the Job's deadline, the sandbox's) before the run stops it itself. */
export const TIMEOUT_GRACE_MS = 30_000;

export function schedule(run: RunNow): Schedule {
  const out: Schedule = { poll: [], start: [], skip: [], cancel: [] };
  const state = new Map(run.status.map((s) => [s.name, s]));
  const stateOf = (name: string): StageState => state.get(name)?.state ?? 'Pending';
  const now = run.now.getTime();
  const wake = (at: number) => {
    if (!out.wakeAt || at < out.wakeAt.getTime()) out.wakeAt = new Date(at);
  };
  const timedOut = run.deadline !== undefined && now >= run.deadline.getTime();
  const stopped = run.cancelled ? 'the run was cancelled' : timedOut ? 'the run timed out' : undefined;
  if (run.deadline && !stopped) wake(run.deadline.getTime());

  const main = run.stages.filter((s) => !s.finally);
  const fin = run.stages.filter((s) => s.finally);
  let running = run.status.filter((s) => s.state === 'Running').length;
  // stages settled on this pass count as settled for the stages after them
  const settled = new Map<string, StageState>();
  const stateNow = (name: string) => settled.get(name) ?? stateOf(name);

  const visit = (stages: readonly ScheduledStage[], stop: string | undefined) => {
    for (const s of stages) {
      const st = state.get(s.name);
      const current = stateNow(s.name);
      if (FINAL.has(current)) continue;
      if (current === 'Running') {
        const started = st?.startedAt ? Date.parse(st.startedAt) : now;
        const timeoutAt = started + s.timeoutSeconds * 1000 + TIMEOUT_GRACE_MS;
        if (stop) out.cancel.push({ stage: s.name, reason: stop, running: true });
        else if (now >= timeoutAt)
          out.cancel.push({ stage: s.name, reason: `the attempt ran past its ${s.timeoutSeconds} s`, running: true });
        else {
          out.poll.push(s.name);
          wake(timeoutAt);
        }
        continue;
      }
      if (stop) {
        out.cancel.push({ stage: s.name, reason: stop, running: false });
        settled.set(s.name, 'Cancelled');
        continue;
      }
      const blocked = s.dependsOn.find((d) => FINAL.has(stateNow(d)) && !OK.has(stateNow(d)));
      if (blocked) {
        out.skip.push({ stage: s.name, reason: `${blocked} did not succeed (${stateNow(blocked)})` });
        settled.set(s.name, 'Skipped');
        continue;
      }
      if (!s.dependsOn.every((d) => OK.has(stateNow(d)))) continue;
      const due = st?.nextAttemptAt ? Date.parse(st.nextAttemptAt) : now;
      if (due > now) {
        wake(due);
        continue;
      }
      if (running >= run.concurrency) continue;
      running++;
      out.start.push({ stage: s.name, attempt: (st?.attempts ?? 0) + 1 });
    }
  };

  visit(main, stopped);
  const mainOver = main.every((s) => FINAL.has(stateNow(s.name)));
  // finally stages run whatever happened once the rest is over: a cancel or the run's timeout does not stop them
  if (mainOver) visit(fin, undefined);
  const over = run.stages.every((s) => FINAL.has(stateNow(s.name)));
  if (over && out.poll.length === 0 && out.start.length === 0) out.done = ending(run, stateNow, stopped);
  return out;
}

function ending(
  run: RunNow,
  stateOf: (name: string) => StageState,
  stopped: string | undefined,
): NonNullable<Schedule['done']> {
  const failed = run.stages.find((s) => stateOf(s.name) === 'Failed');
  if (stopped && run.cancelled) return { phase: 'Cancelled', message: `${stopped}; finally stages ran` };
  if (stopped) return { phase: 'Failed', failedStage: failed?.name, message: stopped };
  if (failed) return { phase: 'Failed', failedStage: failed.name, message: `stage ${failed.name} failed` };
  const cancelled = run.stages.find((s) => stateOf(s.name) === 'Cancelled');
  if (cancelled)
    return { phase: 'Failed', failedStage: cancelled.name, message: `stage ${cancelled.name} was stopped` };
  return { phase: 'Succeeded', message: 'every stage succeeded' };
}
