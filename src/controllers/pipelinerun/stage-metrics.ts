// A PipelineRun's own metrics, beside the engine's (steps, phases): how long
// each stage took, by its agent, where it ran and how it ended, and how long
// each run took. Read from the status before and after a write; the labels
// are few and fixed (never the run's, the Pipeline's or the stage's name).
import type { PipelineRunStatus } from '../../api/v1alpha1/pipeline-run.js';
import { RunOn, StageAgent } from '../../api/v1alpha1/pipeline.js';
import type { Metrics } from '../../telemetry/metrics.js';

const ENDED = new Set(['Succeeded', 'Failed', 'Cancelled']);

export interface StageEnd {
  agent: string;
  runOn: string;
  result: string;
  seconds: number;
}

/** The stages a write ended (Succeeded, Failed or Cancelled), each once, with its agent from the run's plan. */
export function stageEnds(prev: PipelineRunStatus, next: PipelineRunStatus): StageEnd[] {
  const before = new Map((prev.stages ?? []).map((s) => [s.name, s.state]));
  const params = new Map(
    (next.plan?.steps ?? [])
      .filter((s) => s.tool === 'pipeline.stage')
      .map((s) => [String(s.params.stage), s.params] as const),
  );
  const out: StageEnd[] = [];
  for (const s of next.stages ?? []) {
    if (!ENDED.has(s.state) || before.get(s.name) === s.state || s.durationSeconds === undefined) continue;
    const p = params.get(s.name);
    const agent = StageAgent.safeParse(p?.agent);
    const runOn = RunOn.safeParse(s.runOn ?? p?.runOn);
    out.push({
      agent: agent.success ? agent.data : 'unknown',
      runOn: runOn.success ? runOn.data : 'unknown',
      result: s.state,
      seconds: s.durationSeconds,
    });
  }
  return out;
}

/** The run's phase and duration when a write ended it, else undefined. */
export function runEnd(prev: PipelineRunStatus, next: PipelineRunStatus) {
  if (!next.phase || next.phase === prev.phase || !ENDED.has(next.phase) || next.durationSeconds === undefined)
    return undefined;
  return { phase: next.phase, seconds: next.durationSeconds };
}

export const stageMetrics =
  (metrics: Pick<Metrics, 'stageDuration' | 'runDuration'>) =>
  (prev: PipelineRunStatus, next: PipelineRunStatus): void => {
    for (const e of stageEnds(prev, next))
      metrics.stageDuration.observe({ agent: e.agent, run_on: e.runOn, result: e.result }, e.seconds);
    const run = runEnd(prev, next);
    if (run) metrics.runDuration.observe({ phase: run.phase }, run.seconds);
  };
