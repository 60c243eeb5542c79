import { describe, expect, it } from 'vitest';
import type { PipelineRunStatus, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import { createMetrics } from '../../telemetry/metrics.js';
import { runEnd, stageEnds, stageMetrics } from './stage-metrics.js';

const stage = (name: string, state: StageStatus['state'], extra: Partial<StageStatus> = {}): StageStatus => ({
  name,
  state,
  attempts: 1,
  ...extra,
});
const plan: PipelineRunStatus['plan'] = {
  risk: 'low',
  reasoning: '',
  steps: [
    { stage: 'lint', agent: 'lint', runOn: 'runner' },
    { stage: 'image', agent: 'build', runOn: 'cluster' },
    { stage: 'odd', agent: 'not-an-agent', runOn: 'elsewhere' },
  ].map((params) => ({ tool: 'pipeline.stage', when: 'always', params, description: '', risk: 'low' })),
};
const run = (stages: StageStatus[], extra: Partial<PipelineRunStatus> = {}): PipelineRunStatus => ({
  phase: 'Running',
  plan,
  stages,
  ...extra,
});

describe('stageEnds', () => {
  it('gives each stage that ended, once, with its agent and where it ran from the plan', () => {
    const before = run([stage('lint', 'Running'), stage('image', 'Running'), stage('odd', 'Pending')]);
    const after = run([
      stage('lint', 'Succeeded', { durationSeconds: 12 }),
      stage('image', 'Waiting'), // a failed attempt that retries has not ended
      stage('odd', 'Failed', { durationSeconds: 3 }),
    ]);
    expect(stageEnds(before, after)).toEqual([
      { agent: 'lint', runOn: 'runner', result: 'Succeeded', seconds: 12 },
      { agent: 'unknown', runOn: 'unknown', result: 'Failed', seconds: 3 },
    ]);
    expect(stageEnds(after, { ...after, progress: '2/3' })).toEqual([]);
  });

  it("takes the stage's own runOn, and skips stages reused or skipped", () => {
    const after = run([
      stage('image', 'Cancelled', { durationSeconds: 40, runOn: 'runner' }),
      stage('lint', 'Reused', { durationSeconds: 5 }),
      stage('odd', 'Skipped'),
    ]);
    expect(stageEnds({}, after)).toEqual([{ agent: 'build', runOn: 'runner', result: 'Cancelled', seconds: 40 }]);
  });
});

describe('runEnd', () => {
  it("is the run's phase and duration when a write ended it", () => {
    const running = run([], { durationSeconds: 50 });
    expect(runEnd(running, { ...running, phase: 'Succeeded', durationSeconds: 61 })).toEqual({
      phase: 'Succeeded',
      seconds: 61,
    });
    expect(runEnd(running, { ...running, durationSeconds: 55 })).toBeUndefined();
    expect(runEnd({ phase: 'Pending' }, { phase: 'Cancelled' })).toBeUndefined(); // never started: no duration
  });
});

describe('stageMetrics', () => {
  it('observes the durations in the histograms', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    stageMetrics(metrics)(
      run([stage('lint', 'Running')]),
      run([stage('lint', 'Failed', { durationSeconds: 7 })], { phase: 'Failed', durationSeconds: 9 }),
    );
    const count = <V extends { metricName?: string }>(m: { values: V[] }) =>
      m.values.filter((v) => v.metricName?.endsWith('_count'));
    expect(count(await metrics.stageDuration.get())).toEqual([
      expect.objectContaining({ labels: { agent: 'lint', run_on: 'runner', result: 'Failed' }, value: 1 }),
    ]);
    expect(count(await metrics.runDuration.get())).toEqual([
      expect.objectContaining({ labels: { phase: 'Failed' }, value: 1 }),
    ]);
  });
});
