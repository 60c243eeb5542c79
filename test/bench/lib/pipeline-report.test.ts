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
});

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
  const runner = pipelineFigures('runner', 2, [{ phase: 'Succeeded', timing: run(4000, 300) }], run(9000, 900));
  const job = pipelineFigures('cluster', 2, [{ phase: 'Succeeded', timing: run(8000, 1300) }]);

  it("prints each figure's row with the runner's and the Job's side by side", () => {
    const lines = pipelineLines([runner, job], { concurrency: 4, sleepMs: 200 });
    expect(lines[0]).toContain('1 runs of 2 stages per path');
    expect(lines[0]).toContain('Succeeded: runner 1 of 1, Job 1 of 1');
    const start = lines.find((l) => l.includes('stage ready → command started'));
    expect(start).toMatch(/runner p50 300 ms, .* \| Job p50 1300 ms/);
    expect(lines.find((l) => l.includes('sum of its commands'))).toContain('runner ×4 | Job ×8');
    expect(lines.find((l) => l.includes('warm-up'))).toContain('runner 9000 ms | Job not seen whole');
    expect(lines.some((l) => l.includes('not Succeeded'))).toBe(false);
  });

  it('prints nothing without figures', () => {
    expect(pipelineLines([], { concurrency: 4, sleepMs: 200 })).toEqual([]);
  });

  it("keys the JSON by path, each summary's p50, p99, min and max", () => {
    const json = pipelineJson([runner, job], { concurrency: 4, sleepMs: 200 });
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
