import { describe, expect, it } from 'vitest';
import { parseStageResult, stageJobState, StageResultJson, type JobObject, type JobPodObject } from './stage-result.js';

const T0 = '2026-03-01T10:00:00Z';
const T1 = '2026-03-01T10:00:05Z';
const T2 = '2026-03-01T10:01:00Z';

type Conditions = NonNullable<NonNullable<JobObject['status']>['conditions']>;
const job = (conditions: Conditions = []) =>
  ({
    metadata: { name: 'web-test-a1-0123456789', uid: 'job-uid', creationTimestamp: T0 },
    spec: { activeDeadlineSeconds: 30 },
    status: { startTime: T0, conditions },
  }) satisfies JobObject;

const complete = [
  { type: 'SuccessCriteriaMet', status: 'True' },
  { type: 'Complete', status: 'True' },
];
const backoff = [
  { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' },
  { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the backoff limit' },
];
const deadline = [
  { type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' },
  { type: 'Failed', status: 'True', reason: 'DeadlineExceeded', lastTransitionTime: T2 },
];

type State = NonNullable<NonNullable<JobPodObject['status']>['containerStatuses']>[number]['state'];
const pod = (state: State, opts: { phase?: string; owner?: string; name?: string; reason?: string } = {}) =>
  ({
    metadata: {
      name: opts.name ?? 'web-test-a1-0123456789-abcde',
      creationTimestamp: T0,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'web-test-a1', uid: opts.owner ?? 'job-uid' }],
    },
    status: {
      phase: opts.phase ?? 'Running',
      ...(opts.reason && { reason: opts.reason }),
      containerStatuses: [{ name: 'stage', state }],
    },
  }) satisfies JobPodObject;
const terminated = (exitCode: number, reason: string, message?: string) => ({
  terminated: { exitCode, reason, startedAt: T0, finishedAt: T1, ...(message !== undefined && { message }) },
});

describe('stageJobState: not over yet', () => {
  it.each([
    { why: 'no pod yet', pods: [], want: { state: 'pending', since: T0 } },
    {
      why: 'the pod waits for its image',
      pods: [pod({ waiting: { reason: 'ContainerCreating' } }, { phase: 'Pending' })],
      want: { state: 'pending', since: T0 },
    },
    { why: 'the container runs', pods: [pod({ running: { startedAt: T1 } })], want: { state: 'running', since: T1 } },
    {
      why: 'the pod ended but the Job controller has not said so yet (SuccessCriteriaMet only)',
      pods: [pod(terminated(0, 'Completed'), { phase: 'Succeeded' })],
      conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }],
      want: { state: 'pending', since: T0 },
    },
    {
      why: 'the deadline passed but the pod is still stopping (FailureTarget only)',
      pods: [pod({ running: { startedAt: T1 } })],
      conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }],
      want: { state: 'running', since: T1 },
    },
  ])('$why', ({ pods, conditions, want }) => {
    expect(stageJobState(job(conditions), pods)).toEqual(want);
  });
});

describe('stageJobState: over', () => {
  it('Complete, with the JSON result the stage reported', () => {
    const p = pod(terminated(0, 'Completed', '{"summary":"3 tests passed"}'), { phase: 'Succeeded' });
    expect(stageJobState(job(complete), [p])).toEqual({
      state: 'succeeded',
      exitCode: 0,
      reason: 'Completed',
      result: { summary: '3 tests passed' },
      startedAt: T0,
      finishedAt: T1,
    });
  });

  it('Complete without a termination message: no result, nothing wrong', () => {
    const p = pod(terminated(0, 'Completed'), { phase: 'Succeeded' });
    const s = stageJobState(job(complete), [p]);
    expect(s).toMatchObject({ state: 'succeeded', exitCode: 0, reason: 'Completed' });
    expect(s).not.toHaveProperty('result');
    expect(s).not.toHaveProperty('message');
  });

  it('Failed after exit code 2, with the failed tests', () => {
    const msg = JSON.stringify({ summary: '2 of 5 failed', findings: { testsFailed: 2, failedTests: ['a', 'b'] } });
    const p = pod(terminated(2, 'Error', msg), { phase: 'Failed' });
    expect(stageJobState(job(backoff), [p])).toEqual({
      state: 'failed',
      exitCode: 2,
      reason: 'Error',
      message: "the stage's container exited with code 2 (Error)",
      result: { summary: '2 of 5 failed', findings: { testsFailed: 2, failedTests: ['a', 'b'] } },
      startedAt: T0,
      finishedAt: T1,
    });
  });

  it('OOMKilled keeps its reason', () => {
    const s = stageJobState(job(backoff), [pod(terminated(137, 'OOMKilled'), { phase: 'Failed' })]);
    expect(s).toMatchObject({ state: 'failed', exitCode: 137, reason: 'OOMKilled' });
  });

  it.each([
    { why: 'the pod was deleted by the Job controller', pods: [] },
    { why: 'the pod was still running when last seen', pods: [pod({ running: { startedAt: T1 } })] },
  ])('DeadlineExceeded is a timeout: $why', ({ pods }) => {
    const s = stageJobState(job(deadline), pods);
    expect(s).toMatchObject({
      state: 'failed',
      exitCode: null,
      reason: 'Timeout',
      message: 'the stage ran past its timeout of 30s and was stopped',
      startedAt: T0,
      finishedAt: T2,
    });
  });

  it('a timeout the container saw (killed, 137) is still a timeout', () => {
    const s = stageJobState(job(deadline), [pod(terminated(137, 'Error'), { phase: 'Failed' })]);
    expect(s).toMatchObject({ state: 'failed', exitCode: 137, reason: 'Timeout' });
  });

  it('an evicted pod: the pod says why', () => {
    const p = pod({ waiting: { reason: 'ContainerCreating' } }, { phase: 'Failed', reason: 'Evicted' });
    expect(stageJobState(job(backoff), [p])).toMatchObject({
      state: 'failed',
      exitCode: null,
      reason: 'Evicted',
      message: "the stage's pod failed (Evicted)",
    });
  });

  it('Failed with the pod gone: the Job says why', () => {
    expect(stageJobState(job(backoff), [])).toMatchObject({
      state: 'failed',
      exitCode: null,
      reason: 'BackoffLimitExceeded',
      message: 'the Job failed (BackoffLimitExceeded); its pod is gone',
    });
  });

  it('Complete with the pod gone: succeeded, but the result cannot be read', () => {
    expect(stageJobState(job(complete), [])).toMatchObject({
      state: 'succeeded',
      exitCode: null,
      reason: 'PodGone',
      message: 'the pod is gone; its result cannot be read',
    });
  });

  it("reads only the Job's own pods, and of several the last to finish", () => {
    const other = pod(terminated(0, 'Completed', '{"summary":"not mine"}'), { owner: 'other-uid', phase: 'Succeeded' });
    const older = pod(terminated(1, 'Error', '{"summary":"first"}'), { name: 'a', phase: 'Failed' });
    const newer = pod(
      { terminated: { exitCode: 2, reason: 'Error', finishedAt: T2, message: '{"summary":"last"}' } },
      { name: 'b', phase: 'Failed' },
    );
    expect(stageJobState(job(backoff), [other, newer, older])).toMatchObject({
      exitCode: 2,
      result: { summary: 'last' },
    });
  });
});

describe('stageJobState: a termination message that is not a result is not guessed at', () => {
  it.each([
    { msg: '3 tests passed', problem: 'is not JSON', why: 'plain text' },
    { msg: '{"summary": "cut off', problem: 'is not JSON', why: 'JSON cut at 4096 bytes' },
    { msg: '["a"]', problem: 'is not a stage result ((top): ', why: 'JSON, but not an object' },
    { msg: '{"findings":{"testsFailed":"2"}}', problem: 'findings.testsFailed: ', why: 'a count as a string' },
    { msg: '{"summery":"typo"}', problem: 'is not a stage result', why: 'a field Bosun does not know' },
    { msg: '{"findings":{"testsFailed":-1}}', problem: 'findings.testsFailed', why: 'a negative count' },
  ])('$why', ({ msg, problem }) => {
    const p = pod(terminated(0, 'Completed', msg), { phase: 'Succeeded' });
    const s = stageJobState(job(complete), [p]);
    expect(s).toMatchObject({ state: 'succeeded', exitCode: 0, reason: 'Completed' });
    expect(s).not.toHaveProperty('result');
    expect(s.state === 'succeeded' && s.message).toContain(problem);
    expect(s.state === 'succeeded' && s.message).toMatch(/^the stage reported no result: its termination message/);
  });

  it('never repeats the message itself (it is the stage’s to say, and may hold anything)', () => {
    const secret = 'token=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
    const s = stageJobState(job(complete), [pod(terminated(0, 'Completed', secret), { phase: 'Succeeded' })]);
    expect(JSON.stringify(s)).not.toContain('ghp_');
  });

  it('a failed stage with a bad message: both are said', () => {
    const s = stageJobState(job(backoff), [pod(terminated(2, 'Error', 'boom'), { phase: 'Failed' })]);
    expect(s.state === 'failed' && s.message).toBe(
      "the stage's container exited with code 2 (Error); the stage reported no result: its termination message " +
        '(4 characters) is not JSON',
    );
  });
});

describe('StageResultJson', () => {
  it('takes every field a stage may report', () => {
    const full = {
      summary: 'scan done',
      findings: {
        testsFailed: 1,
        failedTests: ['t'],
        lintErrors: 2,
        lintWarnings: 3,
        vulnerabilities: { critical: 1, high: 0, medium: 2, low: 5 },
      },
      artifacts: [{ name: 'image', ref: 'registry.example/web@sha256:abc' }],
    };
    expect(StageResultJson.parse(full)).toEqual(full);
  });

  it('vulnerability counts left out are 0', () => {
    expect(parseStageResult('{"findings":{"vulnerabilities":{"high":2}}}').result).toEqual({
      findings: { vulnerabilities: { critical: 0, high: 2, medium: 0, low: 0 } },
    });
  });

  it.each([
    { value: { summary: 'x'.repeat(1025) }, why: 'a summary over 1024 characters' },
    { value: { findings: { failedTests: Array.from({ length: 101 }, () => 't') } }, why: 'over 100 failed tests' },
    { value: { artifacts: Array.from({ length: 21 }, () => ({ name: 'a', ref: 'r' })) }, why: 'over 20 artifacts' },
    { value: { findings: { lintErrors: 1.5 } }, why: 'a fractional count' },
  ])('is bounded: refuses $why', ({ value }) => {
    expect(StageResultJson.safeParse(value).success).toBe(false);
  });

  it('an empty or blank message is no result and no problem', () => {
    expect(parseStageResult(undefined)).toEqual({});
    expect(parseStageResult('  \n')).toEqual({});
  });
});
