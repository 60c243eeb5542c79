import { describe, expect, it } from 'vitest';
import type { StageState } from '../../api/v1alpha1/pipeline-run.js';
import { schedule, TIMEOUT_GRACE_MS, type RunNow, type ScheduledStage, type StageNow } from './schedule.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const later = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();

const stage = (name: string, dependsOn: string[] = [], o: Partial<ScheduledStage> = {}): ScheduledStage => ({
  name,
  dependsOn,
  finally: false,
  timeoutSeconds: 600,
  ...o,
});
const fin = (name: string, dependsOn: string[] = []) => stage(name, dependsOn, { finally: true });

/** The sample pipeline's shape: lint and test in parallel, build after both, security after build, report finally. */
const sample = [
  stage('lint'),
  stage('test'),
  stage('build', ['lint', 'test']),
  stage('security', ['build']),
  fin('report'),
];

const at = (states: Record<string, StageState | [StageState, Partial<StageNow>]>): StageNow[] =>
  Object.entries(states).map(([name, v]) => {
    const [state, o] = Array.isArray(v) ? v : [v, {}];
    return { name, state, attempts: state === 'Pending' ? 0 : 1, ...o };
  });

const run = (status: StageNow[], o: Partial<RunNow> = {}): RunNow => ({
  stages: sample,
  status,
  concurrency: 4,
  now: NOW,
  cancelled: false,
  ...o,
});

const started = (s: ReturnType<typeof schedule>) => s.start.map((x) => `${x.stage}#${x.attempt}`);

describe('schedule: the DAG order', () => {
  it.each([
    {
      why: 'a new run starts every stage with nothing to wait for, in parallel',
      status: {},
      start: ['lint#1', 'test#1'],
    },
    {
      why: 'build waits for both of the stages it depends on',
      status: { lint: 'Succeeded', test: ['Running', { startedAt: ago(5) }] },
      start: [],
      poll: ['test'],
    },
    {
      why: 'build starts once both succeeded',
      status: { lint: 'Succeeded', test: 'Succeeded' },
      start: ['build#1'],
    },
    {
      why: 'a stage reused from an earlier run counts as succeeded',
      status: { lint: 'Reused', test: 'Reused', build: 'Reused' },
      start: ['security#1'],
    },
    {
      why: 'the finally stage waits until every other stage is over',
      status: {
        lint: 'Succeeded',
        test: 'Succeeded',
        build: 'Succeeded',
        security: ['Running', { startedAt: ago(1) }],
      },
      start: [],
      poll: ['security'],
    },
    {
      why: 'the finally stage starts when the rest is over',
      status: { lint: 'Succeeded', test: 'Succeeded', build: 'Succeeded', security: 'Succeeded' },
      start: ['report#1'],
    },
  ])('$why', ({ status, start, poll }) => {
    const s = schedule(run(at(status as Record<string, StageState>)));
    expect(started(s)).toEqual(start);
    expect(s.poll).toEqual(poll ?? []);
    expect(s.done).toBeUndefined();
  });

  it('starts no more stages at once than the run allows, counting those already running', () => {
    const wide = ['a', 'b', 'c', 'd', 'e'].map((n) => stage(n));
    expect(started(schedule(run([], { stages: wide, concurrency: 2 })))).toEqual(['a#1', 'b#1']);
    const one = at({ a: ['Running', { startedAt: ago(1) }] });
    expect(started(schedule(run(one, { stages: wide, concurrency: 2 })))).toEqual(['b#1']);
  });
});

describe('schedule: failures, retries and finally', () => {
  it('a failed stage skips everything that depends on it, and the finally stage still runs', () => {
    const s = schedule(run(at({ lint: 'Failed', test: 'Succeeded' })));
    expect(s.skip).toEqual([
      { stage: 'build', reason: 'lint did not succeed (Failed)' },
      { stage: 'security', reason: 'build did not succeed (Skipped)' },
    ]);
    expect(started(s)).toEqual(['report#1']);
    expect(s.done).toBeUndefined();
  });

  it('a stage waiting for its retry delay starts its next attempt only when the delay is over', () => {
    const waiting = at({ lint: ['Waiting', { attempts: 1, nextAttemptAt: later(15) }], test: 'Succeeded' });
    const before = schedule(run(waiting));
    expect(started(before)).toEqual([]);
    expect(before.wakeAt?.toISOString()).toBe(later(15));
    const after = schedule(run(waiting, { now: new Date(NOW.getTime() + 15_000) }));
    expect(started(after)).toEqual(['lint#2']);
  });

  it('ends Failed, naming the failed stage, once the finally stage is over', () => {
    const s = schedule(
      run(at({ lint: 'Failed', test: 'Succeeded', build: 'Skipped', security: 'Skipped', report: 'Succeeded' })),
    );
    expect(s.done).toEqual({ phase: 'Failed', failedStage: 'lint', message: 'stage lint failed' });
  });

  it('ends Succeeded when every stage succeeded, and Failed when only the finally stage failed', () => {
    const ok = { lint: 'Succeeded', test: 'Succeeded', build: 'Succeeded', security: 'Succeeded' } as const;
    expect(schedule(run(at({ ...ok, report: 'Succeeded' }))).done?.phase).toBe('Succeeded');
    expect(schedule(run(at({ ...ok, report: 'Failed' }))).done).toMatchObject({
      phase: 'Failed',
      failedStage: 'report',
    });
  });

  it('stops an attempt that runs past its own timeout (and the grace for its runner or Job to stop it)', () => {
    const overdue = ago(600 + TIMEOUT_GRACE_MS / 1000);
    const s = schedule(
      run(at({ lint: ['Running', { startedAt: overdue }], test: ['Running', { startedAt: ago(1) }] })),
    );
    expect(s.cancel).toEqual([{ stage: 'lint', reason: 'the attempt ran past its 600 s', running: true }]);
    expect(s.poll).toEqual(['test']);
    expect(s.wakeAt?.getTime()).toBe(Date.parse(ago(1)) + 600_000 + TIMEOUT_GRACE_MS);
  });
});

describe('schedule: cancel and the run timeout', () => {
  it('a cancelled run stops what runs, starts nothing new, and still runs the finally stage', () => {
    const status = at({ lint: ['Running', { startedAt: ago(5) }], test: 'Succeeded' });
    const s = schedule(run(status, { cancelled: true }));
    expect(s.cancel).toEqual([
      { stage: 'lint', reason: 'the run was cancelled', running: true },
      { stage: 'build', reason: 'the run was cancelled', running: false },
      { stage: 'security', reason: 'the run was cancelled', running: false },
    ]);
    expect(started(s)).toEqual([]); // lint is still running: the finally stage waits for it to stop
    const stoppedLint = at({ lint: 'Cancelled', test: 'Succeeded', build: 'Cancelled', security: 'Cancelled' });
    expect(started(schedule(run(stoppedLint, { cancelled: true })))).toEqual(['report#1']);
    const over = at({
      lint: 'Cancelled',
      test: 'Succeeded',
      build: 'Cancelled',
      security: 'Cancelled',
      report: 'Succeeded',
    });
    expect(schedule(run(over, { cancelled: true })).done).toMatchObject({ phase: 'Cancelled' });
  });

  it('a run past its timeout is stopped like a cancel, and ends Failed', () => {
    const status = at({ lint: ['Running', { startedAt: ago(5) }], test: 'Succeeded' });
    const s = schedule(run(status, { deadline: NOW }));
    expect(s.cancel.map((c) => c.reason)).toEqual(['the run timed out', 'the run timed out', 'the run timed out']);
    const over = at({
      lint: 'Cancelled',
      test: 'Succeeded',
      build: 'Cancelled',
      security: 'Cancelled',
      report: 'Succeeded',
    });
    expect(schedule(run(over, { deadline: NOW })).done).toEqual({
      phase: 'Failed',
      failedStage: undefined,
      message: 'the run timed out',
    });
  });

  it('wakes at the run deadline while stages run', () => {
    const deadline = new Date(NOW.getTime() + 60_000);
    const s = schedule(run(at({ lint: ['Running', { startedAt: ago(1) }] }), { deadline }));
    expect(s.wakeAt).toEqual(deadline);
  });
});
