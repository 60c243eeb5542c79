import { describe, expect, it } from 'vitest';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { PipelineRun, type StageStatus } from '../api/v1alpha1/pipeline-run.js';
import { PipelineReason } from '../api/v1alpha1/reasons.js';
import { buildReport, commitUrl, duration, keyFindings } from './report.js';

const SHA = '3f9c2ab0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6';

const pipeline = (status: Record<string, unknown> = {}, haltAfterFailures = 3) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      source: { repo: 'https://github.com/acme/web.git', github: 'acme/web' },
      stages: [
        { name: 'lint', agent: 'lint' },
        { name: 'test', agent: 'test' },
        { name: 'security', agent: 'security' },
      ],
      finally: [
        { name: 'report', agent: 'report' },
        { name: 'cleanup', agent: 'test' },
      ],
      haltAfterFailures,
    },
    status: { runs: 0, successCount: 0, failureCount: 0, consecutiveFailures: 0, ...status },
  });

const stage = (name: string, state: StageStatus['state'], more: Partial<StageStatus> = {}): StageStatus => ({
  name,
  state,
  attempts: 1,
  ...more,
});

const run = (stages: StageStatus[], spec: Record<string, unknown> = {}) =>
  PipelineRun.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name: 'web-3f9c2ab', namespace: 'demo' },
    spec: { pipelineRef: { name: 'web' }, revision: SHA, trigger: { type: 'manual' }, ...spec },
    status: {
      phase: 'Running',
      duration: '3m2s',
      stages: [...stages, stage('report', 'Running', { finally: true })],
    },
  });

const ok = [stage('lint', 'Succeeded'), stage('test', 'Succeeded'), stage('security', 'Succeeded')];
const securityFailed = stage('security', 'Failed', {
  message: `${PipelineReason.SecurityThreshold}: 2 findings at or above high`,
});

describe('the event a report is for', () => {
  it.each([
    { why: 'every stage succeeded', stages: ok, event: 'success', outcome: 'succeeded' },
    {
      why: 'stages reused from an earlier run count as passed',
      stages: [stage('lint', 'Reused'), stage('test', 'Succeeded'), stage('security', 'Succeeded')],
      event: 'success',
      outcome: 'succeeded',
    },
    {
      why: 'a finally stage that failed does not make the run a failure',
      stages: [...ok, stage('cleanup', 'Failed', { finally: true })],
      event: 'success',
      outcome: 'succeeded',
    },
    {
      why: 'a main stage failed',
      stages: [stage('lint', 'Succeeded'), stage('test', 'Failed'), stage('security', 'Skipped')],
      event: 'failure',
      outcome: 'failed',
    },
    {
      why: 'a main stage was stopped (past its timeout)',
      stages: [stage('lint', 'Cancelled'), stage('test', 'Skipped'), stage('security', 'Skipped')],
      event: 'failure',
      outcome: 'failed',
    },
    {
      why: 'a security stage failed at the threshold',
      stages: [stage('lint', 'Succeeded'), stage('test', 'Succeeded'), securityFailed],
      event: 'halt',
      outcome: 'failed',
    },
    {
      why: 'a security stage that failed for another reason is a failure',
      stages: [stage('lint', 'Succeeded'), stage('test', 'Succeeded'), stage('security', 'Failed')],
      event: 'failure',
      outcome: 'failed',
    },
    {
      why: 'this failure is the haltAfterFailures-th in a row',
      stages: [stage('lint', 'Failed'), stage('test', 'Skipped'), stage('security', 'Skipped')],
      status: { consecutiveFailures: 2 },
      event: 'halt',
      outcome: 'failed',
    },
    {
      why: 'one failure short of the halt',
      stages: [stage('lint', 'Failed'), stage('test', 'Skipped'), stage('security', 'Skipped')],
      status: { consecutiveFailures: 1 },
      event: 'failure',
      outcome: 'failed',
    },
    {
      why: 'a run the Pipeline already counted is in its count (not added twice)',
      stages: [stage('lint', 'Failed'), stage('test', 'Skipped'), stage('security', 'Skipped')],
      status: { consecutiveFailures: 2, counted: ['web-3f9c2ab'] },
      event: 'failure',
      outcome: 'failed',
    },
    {
      why: 'a success after failures in a row',
      stages: ok,
      status: { consecutiveFailures: 2 },
      event: 'success',
      outcome: 'succeeded',
    },
    {
      why: 'a cancelled run is told as a failure, never as a halt (the Pipeline does not count it)',
      stages: [stage('lint', 'Succeeded'), stage('test', 'Cancelled'), stage('security', 'Cancelled')],
      status: { consecutiveFailures: 2 },
      spec: { status: 'Cancelled' },
      event: 'failure',
      outcome: 'cancelled',
    },
  ])('$why: $event', ({ stages, status, spec, event, outcome }) => {
    const r = buildReport({ run: run(stages, spec), pipeline: pipeline(status), self: 'report' });
    expect(r.event).toBe(event);
    expect(r.outcome).toBe(outcome);
  });

  it('with its Pipeline gone, a failure is not a halt unless the security stage says so', () => {
    const failed = [stage('lint', 'Failed'), stage('test', 'Skipped'), stage('security', 'Skipped')];
    expect(buildReport({ run: run(failed), self: 'report' }).event).toBe('failure');
    const sec = [stage('lint', 'Succeeded'), stage('test', 'Succeeded'), securityFailed];
    expect(buildReport({ run: run(sec), self: 'report' }).event).toBe('halt');
  });
});

describe('what a report says', () => {
  it('titles the run with how it went, where, and why the Pipeline halts', () => {
    const failed = [stage('lint', 'Failed'), stage('test', 'Skipped'), stage('security', 'Skipped')];
    const r = buildReport({ run: run(failed), pipeline: pipeline({ consecutiveFailures: 2 }), self: 'report' });
    expect(r.title).toBe(
      'Pipeline web: run web-3f9c2ab failed at lint in 3m2s (3f9c2ab on main); ' +
        'the Pipeline halts: 3 runs failed in a row (haltAfterFailures: 3)',
    );
    const sec = buildReport({
      run: run([stage('lint', 'Succeeded'), stage('test', 'Succeeded'), securityFailed]),
      pipeline: pipeline(),
      self: 'report',
    });
    expect(sec.title).toMatch(/failed at security .*the Pipeline halts: security found .*\(securityThreshold: high\)$/);
    expect(buildReport({ run: run(ok), pipeline: pipeline(), self: 'report' }).title).toBe(
      'Pipeline web: run web-3f9c2ab succeeded in 3m2s (3f9c2ab on main)',
    );
  });

  it('has a line per stage but itself, with state, duration, key findings and why it failed', () => {
    const r = buildReport({
      run: run([
        stage('lint', 'Succeeded', { durationSeconds: 12, findings: { lintErrors: 0, lintWarnings: 4 } }),
        stage('test', 'Failed', {
          durationSeconds: 80.4,
          message: 'exit code 1',
          findings: { testsPassed: 40, testsFailed: 4, failedTests: ['a', 'b', 'c', 'd'] },
        }),
        stage('security', 'Skipped', { message: 'test did not succeed (Failed)' }),
        stage('cleanup', 'Pending', { finally: true }),
      ]),
      pipeline: pipeline(),
      self: 'report',
    });
    expect(r.lines).toEqual([
      'lint: Succeeded in 12s: lint 0 errors, 4 warnings',
      'test: Failed in 1m20s: tests 40 passed, 4 failed (a, b, c, …) (exit code 1)',
      'security: Skipped (test did not succeed (Failed))',
      'cleanup: Pending',
    ]);
    expect(r.stages.map((s) => s.finally)).toEqual([false, false, false, true]);
    expect(r.describe).toBe('kubectl bosun describe pipelinerun web-3f9c2ab -n demo');
    expect(r.url).toBe(`https://github.com/acme/web/commit/${SHA}`);
  });

  it.each([
    [{ vulnerabilities: { critical: 1, high: 0, medium: 2, low: 0 } }, ['vulnerabilities critical 1, medium 2']],
    [{ vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0 } }, ['no vulnerabilities']],
    [{ image: `r.example/web@sha256:${'a'.repeat(64)}` }, [`image r.example/web@sha256:${'a'.repeat(64)}`]],
    [{ testsPassed: 3 }, ['tests 3 passed, 0 failed']],
    [{ summary: 'deployed web' }, ['deployed web']],
    [{ summary: 'ignored beside counts', lintErrors: 1 }, ['lint 1 errors, 0 warnings']],
  ])('key findings of %j', (findings, want) => {
    expect(keyFindings(findings)).toEqual(want);
  });

  it.each([
    [undefined, `https://github.com/acme/web/commit/${SHA}`],
    ['https://ghe.example/api/v3/', `https://ghe.example/acme/web/commit/${SHA}`],
    ['https://odd.example/rest', undefined],
  ])('the commit page from API root %s', (apiUrl, want) => {
    expect(commitUrl('acme/web', SHA, apiUrl)).toBe(want);
  });

  it.each([
    [0.4, '0s'],
    [59.6, '1m0s'],
    [3725, '1h2m'],
  ])('duration %s s is %s', (s, want) => {
    expect(duration(s)).toBe(want);
  });
});
