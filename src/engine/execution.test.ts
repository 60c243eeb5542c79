import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../api/v1alpha1/common.js';
import { applyOutcome, nextStep, progress } from './execution.js';

const s = (state: PlanStep['state'], when: PlanStep['when'] = 'always'): PlanStep => ({
  tool: 't',
  when,
  params: {},
  description: 'd',
  risk: 'low',
  state,
});
const t0 = new Date('2026-01-01T00:00:00Z');

describe('nextStep', () => {
  it.each([
    { why: 'the first unfinished step', steps: [s('Succeeded'), s('Pending'), s('Pending')], want: { index: 1 } },
    {
      why: 'on-failure steps are skipped while all goes well',
      steps: [s('Succeeded'), s('Pending', 'on-failure')],
      want: { done: 'succeeded' },
    },
    { why: 'a running (waiting) step continues', steps: [s('Succeeded'), s('Running')], want: { index: 1 } },
    {
      why: 'after a failure, the rollback runs',
      steps: [s('Succeeded'), s('Failed'), s('Pending', 'on-failure'), s('Pending', 'on-failure')],
      want: { index: 2 },
    },
    { why: 'a rolled-back Goal', steps: [s('Failed'), s('Succeeded', 'on-failure')], want: { done: 'rolled-back' } },
    { why: 'a failure without rollback', steps: [s('Succeeded'), s('Failed'), s('Pending')], want: { done: 'failed' } },
    {
      why: 'a failed rollback',
      steps: [s('Failed'), s('Failed', 'on-failure'), s('Pending', 'on-failure')],
      want: { done: 'failed' },
    },
    { why: 'an empty plan', steps: [], want: { done: 'succeeded' } },
  ])('$why', ({ steps, want }) => {
    expect(nextStep(steps)).toEqual(want);
  });
});

describe('applyOutcome', () => {
  it('records success with times and message', () => {
    const out = applyOutcome(
      { ...s('Pending'), attempt: 0 },
      { kind: 'succeeded', summary: 'scaled', startedAt: '2026-01-01T00:00:00.000Z' },
      t0,
    );
    expect(out.step).toMatchObject({
      state: 'Succeeded',
      attempt: 1,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:00Z',
      message: 'scaled',
    });
    expect(out.requeueAfterMs).toBeUndefined();
  });
  it('backs off a retryable failure, keeping the attempt count in status', () => {
    const first = applyOutcome(
      { ...s('Pending'), attempt: 1 },
      { kind: 'failed', message: 'connection refused', retryable: true, startedAt: t0.toISOString() },
      t0,
    );
    expect(first.step).toMatchObject({ state: 'Pending', attempt: 2, retryAt: '2026-01-01T00:00:01Z' });
    expect(first.requeueAfterMs).toBe(1000);
    const last = applyOutcome(
      { ...s('Pending'), attempt: 3 },
      { kind: 'failed', message: 'connection refused', retryable: true, startedAt: t0.toISOString() },
      t0,
    );
    expect(last.step.state).toBe('Failed');
  });
  it('fails at once on a failure retrying cannot fix', () => {
    expect(
      applyOutcome(
        s('Pending'),
        { kind: 'failed', message: 'forbidden', retryable: false, startedAt: t0.toISOString() },
        t0,
      ).step.state,
    ).toBe('Failed');
  });
  it('keeps a waiting step running', () => {
    const out = applyOutcome(
      s('Pending'),
      { kind: 'pending', summary: 'waiting (1/3 available)', requeueAfterMs: 1000, startedAt: t0.toISOString() },
      t0,
    );
    expect(out).toMatchObject({ step: { state: 'Running' }, requeueAfterMs: 1000 });
  });
});

it('progress counts the main steps only', () => {
  expect(progress([s('Succeeded'), s('Pending'), s('Pending', 'on-failure')])).toBe('1/2');
});
