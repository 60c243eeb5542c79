import { describe, expect, it } from 'vitest';
import type { StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import { RetryPolicy } from '../../api/v1alpha1/pipeline.js';
import { endAttempt, retryDelaySeconds, startAttempt } from './stage-status.js';

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const retry = RetryPolicy.parse({ max: 2, backoffSeconds: 15 });
const pending: StageStatus = { name: 'test', state: 'Pending', attempts: 0 };

describe('retry delays', () => {
  it.each([
    { policy: { backoffSeconds: 15 }, delays: [15, 30, 60, 120] },
    { policy: { backoffSeconds: 10, factor: 3 }, delays: [10, 30, 90, 270] },
    { policy: { backoffSeconds: 15, factor: 1 }, delays: [15, 15, 15, 15] },
    { policy: { backoffSeconds: 100, maxBackoffSeconds: 250 }, delays: [100, 200, 250, 250] },
    { policy: { backoffSeconds: 0 }, delays: [0, 0, 0, 0] },
  ])('backoff $policy.backoffSeconds s × $policy.factor → $delays', ({ policy, delays }) => {
    const p = RetryPolicy.parse({ max: 4, ...policy });
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds(p, a))).toEqual(delays);
  });
});

describe('a stage through its attempts', () => {
  it('fails, waits out its delay, fails again with a longer one, then succeeds; each attempt in the history', () => {
    let s = startAttempt(pending, 1, at(0), 'kubectl bosun logs pipelinerun r --stage test');
    expect(s).toMatchObject({ state: 'Running', attempts: 1, startedAt: '2026-03-01T12:00:00Z' });
    s = endAttempt(s, { outcome: 'failed', exitCode: 1, reason: 'exit code 1', finishedAt: at(10) }, retry);
    expect(s).toMatchObject({ state: 'Waiting', nextAttemptAt: '2026-03-01T12:00:25Z' });
    expect(s.message).toBe('exit code 1; attempt 2 of 3 in 15 s');
    s = startAttempt(s, 2, at(25));
    s = endAttempt(s, { outcome: 'failed', exitCode: 1, reason: 'exit code 1', finishedAt: at(30) }, retry);
    expect(s).toMatchObject({ state: 'Waiting', nextAttemptAt: '2026-03-01T12:01:00Z' });
    s = startAttempt(s, 3, at(60));
    s = endAttempt(s, { outcome: 'succeeded', exitCode: 0, reason: 'exit code 0', finishedAt: at(70) }, retry);
    expect(s).toMatchObject({ state: 'Succeeded', attempts: 3, durationSeconds: 70, exitCode: 0 });
    expect(s.history?.map((h) => [h.attempt, h.startedAt, h.finishedAt, h.exitCode])).toEqual([
      [1, '2026-03-01T12:00:00Z', '2026-03-01T12:00:10Z', 1],
      [2, '2026-03-01T12:00:25Z', '2026-03-01T12:00:30Z', 1],
      [3, '2026-03-01T12:01:00Z', '2026-03-01T12:01:10Z', 0],
    ]);
    expect(s.log).toBe('kubectl bosun logs pipelinerun r --stage test');
  });

  it('fails for good when no retry is left, or none is set', () => {
    let s = startAttempt(pending, 1, at(0));
    s = endAttempt(s, { outcome: 'failed', exitCode: 2, reason: 'exit code 2', finishedAt: at(5) }, undefined);
    expect(s).toMatchObject({ state: 'Failed', exitCode: 2, finishedAt: '2026-03-01T12:00:05Z' });
    let r = startAttempt(pending, 3, at(0));
    r = endAttempt(r, { outcome: 'failed', exitCode: 2, reason: 'exit code 2', finishedAt: at(5) }, retry);
    expect(r.state).toBe('Failed');
  });

  it('is not retried when the run stopped it', () => {
    let s = startAttempt(pending, 1, at(0));
    s = endAttempt(s, { outcome: 'cancelled', reason: 'the run was cancelled', finishedAt: at(3) }, retry);
    expect(s).toMatchObject({ state: 'Cancelled', message: 'the run was cancelled' });
  });
});
