// One PipelineRun's stages, taken apart: how long each waited between being
// able to start and its command starting, and between its command ending and
// the run's status saying so; and the run's wall time against its commands'
// own times. Pure.
import { criticalPath, type BenchStage } from './pipeline-dag.js';

/** Moments the bench saw for one stage, in ms since the epoch (one machine, one clock). */
export interface StageMarks {
  /** Bosun handed the attempt over: queued in etcd (runner), the Job created (cluster) */
  handed?: number;
  /** the backend took it: a runner claimed it (runner), the Job's pod was created (cluster) */
  taken?: number;
  /** the command started: the runner's report (runner), the pod's container Running (cluster, KWOK) */
  started?: number;
  /** the command ended: the runner's report (runner), the pod's container terminated (cluster, KWOK) */
  ended?: number;
  /** the first status of the run with this stage Succeeded */
  written?: number;
}

export interface RunMarks {
  /** the bench's create call returned */
  created?: number;
  /** the first status of the run in phase Running: its plan accepted, its stages about to start */
  running?: number;
  /** the first status of the run in phase Succeeded */
  succeeded?: number;
  stages: Record<string, StageMarks>;
}

export interface StageTiming {
  name: string;
  /** stage ready → command started */
  startMs: number;
  /** command ended → status written */
  endMs: number;
  /** command started → ended: the command's own time */
  ownMs: number;
  /** stage ready → status written: both overheads and the command */
  turnMs: number;
  /** the parts of startMs: ready → handed over, handed over → taken, taken → started (when all were seen) */
  handMs?: number;
  takeMs?: number;
  launchMs?: number;
}

/** A stage the operator runs itself (no command): its whole turn, ready → status written. */
export interface OperatorStageTiming {
  name: string;
  turnMs: number;
}

export interface RunTiming {
  /** run created → Running (admission, the plan, a wait for its Pipeline's slot), when its creation was seen */
  startMs?: number;
  /** run Running → Succeeded */
  wallMs: number;
  /** the sum of the stages' own times */
  ownSumMs: number;
  /** the longest path through the graph by own time: the least wall time any scheduler could reach */
  criticalMs: number;
  stages: StageTiming[];
  operatorStages: OperatorStageTiming[];
}

/**
 * When `stage` could start: the run's start for a stage that depends on none, else the moment the last of its
 * dependencies was written Succeeded; undefined when one of those was not seen.
 */
export function stageReady(stage: BenchStage, run: RunMarks): number | undefined {
  if (!stage.dependsOn.length) return run.running;
  const written = stage.dependsOn.map((d) => run.stages[d]?.written);
  if (written.some((w) => w === undefined)) return undefined;
  return Math.max(...(written as number[]));
}

/** One stage's figures; undefined when a moment they need was not seen. */
export function stageTiming(stage: BenchStage, run: RunMarks): StageTiming | undefined {
  const m = run.stages[stage.name];
  const ready = stageReady(stage, run);
  if (!m || ready === undefined) return undefined;
  const { started, ended, written } = m;
  if (started === undefined || ended === undefined || written === undefined) return undefined;
  const { handed, taken } = m;
  return {
    name: stage.name,
    startMs: started - ready,
    endMs: written - ended,
    ownMs: ended - started,
    turnMs: written - ready,
    ...(handed !== undefined &&
      taken !== undefined && { handMs: handed - ready, takeMs: taken - handed, launchMs: started - taken }),
  };
}

/** An operator stage's turn; undefined when its readiness or its status was not seen. */
export function operatorStageTiming(stage: BenchStage, run: RunMarks): OperatorStageTiming | undefined {
  const ready = stageReady(stage, run);
  const written = run.stages[stage.name]?.written;
  if (ready === undefined || written === undefined) return undefined;
  return { name: stage.name, turnMs: written - ready };
}

/** The run's figures, over the stages that were seen whole; undefined when the run's start or end was not seen. */
export function runTiming(stages: readonly BenchStage[], run: RunMarks): RunTiming | undefined {
  if (run.running === undefined || run.succeeded === undefined) return undefined;
  const commands = stages.filter((s) => !s.inOperator);
  const timings = commands.map((s) => stageTiming(s, run)).filter((t): t is StageTiming => t !== undefined);
  const operatorStages = stages
    .filter((s) => s.inOperator)
    .map((s) => operatorStageTiming(s, run))
    .filter((t): t is OperatorStageTiming => t !== undefined);
  // an operator stage has no command: it adds nothing to the least a run can take
  const own = new Map(timings.map((t) => [t.name, t.ownMs]));
  return {
    ...(run.created !== undefined && { startMs: run.running - run.created }),
    wallMs: run.succeeded - run.running,
    ownSumMs: timings.reduce((sum, t) => sum + t.ownMs, 0),
    criticalMs: criticalPath(stages, (name) => own.get(name) ?? 0),
    stages: timings,
    operatorStages,
  };
}

/** From the first run's creation to the last one's Succeeded, over the runs that succeeded; undefined without one. */
export function runsSpan(runs: readonly RunMarks[]): number | undefined {
  const created = runs.map((r) => r.created).filter((t): t is number => t !== undefined);
  const succeeded = runs.map((r) => r.succeeded).filter((t): t is number => t !== undefined);
  if (!created.length || !succeeded.length) return undefined;
  return Math.max(...succeeded) - Math.min(...created);
}
