import { describe, expect, it } from 'vitest';
import { pipelineFigures, pipelineJson, pipelineLines } from './pipeline-report.js';
import type { RunTiming } from './pipeline-timings.js';

const run = (wallMs: number, startMs: number): RunTiming => ({
  wallMs,
  ownSumMs: 1000,
  criticalMs: 500,
  stages: [
    {
      name: 's0',
      startMs,
      endMs: 2000,
      ownMs: 500,
      turnMs: startMs + 2500,
      handMs: 10,
      takeMs: startMs - 20,
      launchMs: 10,
    },
    { name: 's1', startMs: startMs + 100, endMs: 1000, ownMs: 500, turnMs: startMs + 1600 },
  ],
  operatorStages: [],
});
const settings = { concurrency: 4, sleepMs: 200, sampleEveryMs: 3000 };

describe('pipelineFigures', () => {
  it('sums up the succeeded runs, and counts the others by their phase', () => {
    const f = pipelineFigures('runner', 2, [
      { phase: 'Succeeded', timing: run(4000, 300) },
      { phase: 'Succeeded', timing: run(6000, 500) },
      { phase: 'Failed' },
    ]);
    expect(f).toMatchObject({ path: 'runner', runs: 3, succeeded: 2, stages: 4, notSucceeded: { Failed: 1 } });
    expect(f.start).toMatchObject({ n: 4, min: 300, max: 600 });
    // the parts only where they were seen: one stage per run
    expect(f.take).toMatchObject({ n: 2, min: 280, max: 480 });
    expect(f.end).toMatchObject({ n: 4, p50: 1000, max: 2000 });
    // wall / own: 4 and 6, nearest-rank median 4; wall / critical path: 8 and 12
    expect(f.wallOverOwn).toBe(4);
    expect(f.wallOverCritical).toBe(8);
  });

  it('has no figures, not zeros, when no run succeeded', () => {
    const f = pipelineFigures('cluster', 10, [{ phase: 'Stalled' }]);
    expect(f.start.p50).toBeNaN();
    expect(f.wallOverOwn).toBeNaN();
  });
});

describe('pipelineLines and pipelineJson', () => {
  const runner = pipelineFigures('runner', 2, [{ phase: 'Succeeded', timing: run(4000, 300) }], {
    warmUp: run(9000, 900),
    elapsedMs: 30_000,
  });
  const job = pipelineFigures('cluster', 2, [{ phase: 'Succeeded', timing: run(8000, 1300) }]);

  it("prints each figure's row with the runner's and the Job's side by side", () => {
    const lines = pipelineLines([runner, job], settings);
    expect(lines[0]).toContain('runner 1 runs of 2 stages one after the other, Job 1 runs of 2 stages one after');
    expect(lines[0]).toContain('Succeeded: runner 1 of 1, Job 1 of 1');
    const start = lines.find((l) => l.includes('stage ready → command started'));
    expect(start).toMatch(/runner p50 300 ms, .* \| Job p50 1300 ms/);
    expect(lines.find((l) => l.includes('sum of its commands'))).toContain('runner ×4 | Job ×8');
    expect(lines.find((l) => l.includes('warm-up'))).toContain('runner 9000 ms | Job not seen whole');
    expect(lines.some((l) => l.includes('not Succeeded'))).toBe(false);
    // runs one after the other have no throughput, and no report stage
    expect(lines.some((l) => l.includes('throughput') || l.includes('report stage'))).toBe(false);
    expect(lines).toContain("  the path's time in all (warm-up included): runner 30 s | Job NaN s");
  });

  it('prints the sample runs started together: their start, their report stage and their throughput', () => {
    const timing = (startMs: number): RunTiming => ({
      ...run(14_000, 300),
      startMs,
      operatorStages: [{ name: 'report', turnMs: 1500 }],
    });
    const measured = [1, 2, 3, 4].map((i) => ({ phase: 'Succeeded', timing: timing(i * 100) }));
    const sample = pipelineFigures('sample', 5, [...measured, { phase: 'Failed' }], { spanMs: 8000 });
    expect(sample).toMatchObject({ succeeded: 4, spanMs: 8000, runsPerSecond: 0.5 });
    expect(sample.startup).toMatchObject({ n: 4, min: 100, p50: 200, max: 400 });
    const lines = pipelineLines([runner, sample], settings);
    expect(lines[0]).toContain('sample app 5 runs of 5 stages started 3000 ms apart');
    expect(lines).toContain('  throughput, first run created → last Succeeded: sample app 0.5 runs/s (4 in 8 s)');
    expect(lines.find((l) => l.includes('report stage'))).toMatch(/: sample app p50 1500 ms/);
    expect(lines).toContain('  not Succeeded: runner {} | sample app {"Failed":1}');
    expect(pipelineLines([sample], { ...settings, sampleEveryMs: 0 })[0]).toContain('started all at once');
    expect(pipelineJson([sample], settings)).toMatchObject({
      pipeline_sample_every_ms: 3000,
      pipeline_sample_runs_per_s: 0.5,
      pipeline_sample_span_ms: 8000,
      pipeline_sample_created_to_running_p50_ms: 200,
      pipeline_sample_operator_stage_ready_to_written_p99_ms: 1500,
    });
  });

  it('prints nothing without figures', () => {
    expect(pipelineLines([], settings)).toEqual([]);
  });

  it("keys the JSON by path, each summary's p50, p99, min and max", () => {
    const json = pipelineJson([runner, job], settings);
    expect(json).toMatchObject({
      pipeline_stages_per_run: 2,
      pipeline_concurrency: 4,
      pipeline_runner_sleep_ms: 200,
      pipeline_runner_runs: 1,
      pipeline_runner_ready_to_started_p50_ms: 300,
      pipeline_runner_ended_to_written_max_ms: 2000,
      pipeline_runner_ready_to_written_p50_ms: 1900,
      pipeline_runner_wall_over_own: 4,
      pipeline_job_ready_to_started_p50_ms: 1300,
      pipeline_job_run_wall_p99_ms: 8000,
      pipeline_job_wall_over_critical_path: 16,
    });
  });
});
