// The pipeline bench's figures, and how run.ts prints them: each path's runs
// (stages on a runner, stages as Jobs) summed up, their figures side by side on
// one row each, then all of them for the JSON line. Pure.
import type { RunTiming, StageTiming } from './pipeline-timings.js';
import { percentile, round, summary } from './stats.js';

export type Summary = ReturnType<typeof summary>;
/** where the stages ran: Pipeline spec.runOn */
/** runner, cluster: the sleep DAG on each path; sample: the sample Pipeline's stage agents on the sample app */
export type PipelinePath = 'runner' | 'cluster' | 'sample';

export interface PipelineFigures {
  path: PipelinePath;
  /** measured runs (the warm-up not among them) */
  runs: number;
  succeeded: number;
  stagesPerRun: number;
  /** stages of the succeeded runs whose every moment was seen */
  stages: number;
  /** stage ready → command started */
  start: Summary;
  /** its parts: ready → handed over, handed over → taken, taken → started */
  hand: Summary;
  take: Summary;
  launch: Summary;
  /** command ended → status written */
  end: Summary;
  /** command started → ended */
  own: Summary;
  /** stage ready → status written */
  turn: Summary;
  /** run Running → Succeeded */
  wall: Summary;
  /** over the runs: wall time / the sum of the commands' own times, its median */
  wallOverOwn: number;
  /** over the runs: wall time / the longest path's own time, its median */
  wallOverCritical: number;
  /** run created → Running (admission, the plan), over the runs whose creation was seen */
  startup: Summary;
  /** stages the operator runs itself (the sample's report): ready → status written */
  operatorTurn: Summary;
  /** the first run's creation → the last one's Succeeded, and the succeeded runs over it (runs started together) */
  spanMs?: number;
  runsPerSecond?: number;
  /** the path's time in all: its warm-up, its runs, reading their records */
  elapsedMs?: number;
  /** how the measured runs that did not succeed ended (their last phase) */
  notSucceeded: Record<string, number>;
  warmUp?: RunTiming;
}

/** What a path knows beside its runs. */
export interface PathExtras {
  warmUp?: RunTiming;
  spanMs?: number;
  elapsedMs?: number;
}

/** One measured run: its last phase, and its figures when it succeeded and was seen whole. */
export interface MeasuredRun {
  phase: string;
  timing?: RunTiming;
}

const all = (runs: readonly RunTiming[], pick: (s: StageTiming) => number | undefined) =>
  summary(runs.flatMap((r) => r.stages.map(pick)).filter((v): v is number => v !== undefined));

/** A path's figures from its measured runs. */
export function pipelineFigures(
  path: PipelinePath,
  stagesPerRun: number,
  measured: readonly MeasuredRun[],
  extras: PathExtras = {},
): PipelineFigures {
  const { warmUp, spanMs, elapsedMs } = extras;
  const ok = measured.filter((m) => m.phase === 'Succeeded');
  const timings = ok.map((m) => m.timing).filter((t): t is RunTiming => t !== undefined);
  const notSucceeded: Record<string, number> = {};
  for (const m of measured) if (m.phase !== 'Succeeded') notSucceeded[m.phase] = (notSucceeded[m.phase] ?? 0) + 1;
  return {
    path,
    runs: measured.length,
    succeeded: ok.length,
    stagesPerRun,
    stages: timings.reduce((n, t) => n + t.stages.length, 0),
    start: all(timings, (s) => s.startMs),
    hand: all(timings, (s) => s.handMs),
    take: all(timings, (s) => s.takeMs),
    launch: all(timings, (s) => s.launchMs),
    end: all(timings, (s) => s.endMs),
    own: all(timings, (s) => s.ownMs),
    turn: all(timings, (s) => s.turnMs),
    wall: summary(timings.map((t) => t.wallMs)),
    wallOverOwn: percentile(
      timings.map((t) => t.wallMs / t.ownSumMs),
      50,
    ),
    wallOverCritical: percentile(
      timings.map((t) => t.wallMs / t.criticalMs),
      50,
    ),
    startup: summary(timings.map((t) => t.startMs).filter((v): v is number => v !== undefined)),
    operatorTurn: summary(timings.flatMap((t) => t.operatorStages.map((s) => s.turnMs))),
    ...(spanMs !== undefined && { spanMs, runsPerSecond: spanMs > 0 ? (ok.length * 1000) / spanMs : NaN }),
    ...(elapsedMs !== undefined && { elapsedMs }),
    notSucceeded,
    ...(warmUp && { warmUp }),
  };
}

const LABEL: Record<PipelinePath, string> = { runner: 'runner', cluster: 'Job', sample: 'sample app' };
/** run.ts's JSON keys */
const PREFIX: Record<PipelinePath, string> = {
  runner: 'pipeline_runner',
  cluster: 'pipeline_job',
  sample: 'pipeline_sample',
};

const ms = (s: Summary) => `p50 ${round(s.p50)} ms, p99 ${round(s.p99)} ms (min ${round(s.min)}, max ${round(s.max)})`;
const times = (x: number) => `×${round(x, 2)}`;

const row = (paths: readonly PipelineFigures[], what: string, figure: (f: PipelineFigures) => string) =>
  `  ${what}: ${paths.map((f) => `${LABEL[f.path]} ${figure(f)}`).join(' | ')}`;

/** What the lines say of how the runs went: the runner commands' sleep, the sample runs' spacing. */
export interface PipelineSettings {
  concurrency: number;
  sleepMs: number;
  sampleEveryMs: number;
}

/** How a path's runs were started. */
const started = (f: PipelineFigures, o: PipelineSettings) =>
  f.path !== 'sample'
    ? 'one after the other'
    : o.sampleEveryMs
      ? `started ${o.sampleEveryMs} ms apart`
      : 'started all at once';

/** The phase's lines, as run.ts prints them: one row per figure, each path's beside the others'. */
export function pipelineLines(paths: readonly PipelineFigures[], o: PipelineSettings): string[] {
  if (!paths.length) return [];
  const what = paths.map((f) => `${LABEL[f.path]} ${f.runs} runs of ${f.stagesPerRun} stages ${started(f, o)}`);
  const succeeded = paths.map((f) => `${LABEL[f.path]} ${f.succeeded} of ${f.runs}`).join(', ');
  const sample = paths.filter((f) => f.path === 'sample');
  const together = paths.filter((f) => f.runsPerSecond !== undefined);
  const lines = [
    `pipeline: ${what.join(', ')} (stage concurrency and runner capacity ${o.concurrency}; runner commands sleep ` +
      `${o.sleepMs} ms, Jobs end by KWOK ~1 s after start; the sample app's stages run ESLint, node --test, crane ` +
      `and Trivy, its report runs in the operator), Succeeded: ${succeeded}`,
    row(paths, 'stages measured', (f) => String(f.stages)),
    row(paths, 'stage ready → command started', (f) => ms(f.start)),
    row(paths, '  of it, ready → handed over (Bosun: queued in etcd | Job created)', (f) => ms(f.hand)),
    row(paths, '  of it, handed over → taken (runner claimed it | Job controller made the pod)', (f) => ms(f.take)),
    row(paths, '  of it, taken → started (start report, sandbox spawn | scheduler, KWOK start)', (f) => ms(f.launch)),
    row(paths, 'command ended → status written', (f) => ms(f.end)),
    row(paths, "the commands' own time (started → ended)", (f) => ms(f.own)),
    row(paths, 'stage ready → status written (both overheads and the command)', (f) => ms(f.turn)),
    row(paths, 'run created → Running (admission, the plan)', (f) => ms(f.startup)),
    row(paths, 'run wall time (Running → Succeeded)', (f) => ms(f.wall)),
    row(paths, "run wall time / the sum of its commands' own times (median of runs)", (f) => times(f.wallOverOwn)),
    row(paths, "run wall time / its longest path's own time (median of runs)", (f) => times(f.wallOverCritical)),
  ];
  if (sample.length)
    lines.push(row(sample, 'the report stage, in the operator: ready → status written', (f) => ms(f.operatorTurn)));
  if (together.length)
    lines.push(
      row(
        together,
        'throughput, first run created → last Succeeded',
        (f) => `${round(f.runsPerSecond ?? NaN, 3)} runs/s (${f.succeeded} in ${round((f.spanMs ?? NaN) / 1000)} s)`,
      ),
    );
  if (paths.some((f) => f.warmUp))
    lines.push(
      row(paths, 'warm-up run (not counted), wall time', (f) =>
        f.warmUp ? `${round(f.warmUp.wallMs)} ms` : 'not seen whole',
      ),
    );
  if (paths.some((f) => f.elapsedMs !== undefined))
    lines.push(
      row(paths, "the path's time in all (warm-up included)", (f) => `${round((f.elapsedMs ?? NaN) / 1000)} s`),
    );
  if (paths.some((f) => Object.keys(f.notSucceeded).length))
    lines.push(row(paths, 'not Succeeded', (f) => JSON.stringify(f.notSucceeded)));
  return lines;
}

/** The figures for run.ts's JSON line: the settings, then pipeline_runner_*, pipeline_job_* and pipeline_sample_*. */
export function pipelineJson(paths: readonly PipelineFigures[], o: PipelineSettings): Record<string, unknown> {
  const json: Record<string, unknown> = {
    pipeline_stages_per_run: paths.find((f) => f.path !== 'sample')?.stagesPerRun,
    pipeline_concurrency: o.concurrency,
    pipeline_runner_sleep_ms: o.sleepMs,
    pipeline_sample_every_ms: o.sampleEveryMs,
  };
  for (const f of paths) {
    const p = PREFIX[f.path];
    Object.assign(json, {
      [`${p}_runs`]: f.runs,
      [`${p}_succeeded`]: f.succeeded,
      [`${p}_stages`]: f.stages,
      [`${p}_wall_over_own`]: round(f.wallOverOwn, 2),
      [`${p}_wall_over_critical_path`]: round(f.wallOverCritical, 2),
    });
    if (f.runsPerSecond !== undefined) json[`${p}_runs_per_s`] = round(f.runsPerSecond, 3);
    if (f.spanMs !== undefined) json[`${p}_span_ms`] = round(f.spanMs);
    if (f.elapsedMs !== undefined) json[`${p}_elapsed_ms`] = round(f.elapsedMs);
    const put = (key: string, s: Summary) => {
      for (const stat of ['p50', 'p99', 'min', 'max'] as const) json[`${p}_${key}_${stat}_ms`] = round(s[stat]);
    };
    put('ready_to_started', f.start);
    put('ready_to_handed', f.hand);
    put('handed_to_taken', f.take);
    put('taken_to_started', f.launch);
    put('ended_to_written', f.end);
    put('command', f.own);
    put('ready_to_written', f.turn);
    put('created_to_running', f.startup);
    put('run_wall', f.wall);
    if (f.operatorTurn.n) put('operator_stage_ready_to_written', f.operatorTurn);
  }
  return json;
}
