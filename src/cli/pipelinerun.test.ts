import { describe, expect, it } from 'vitest';
import { PipelineRun, type StageFindings } from '../api/v1alpha1/pipeline-run.js';
import { findingsSummary, inPlanOrder, renderPipelineRun, seconds } from './pipelinerun.js';

const step = (stage: string) => ({ tool: 'pipeline.stage', risk: 'low', params: { stage } });

/** A failed run of web: lint passed, test failed after a retry, build skipped, report (finally) ran. */
const failedRun = (over: Record<string, unknown> = {}) =>
  PipelineRun.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name: 'web-3f9c2ab', namespace: 'demo', creationTimestamp: '2026-03-01T12:00:00Z' },
    spec: {
      pipelineRef: { name: 'web' },
      revision: '3f9c2ab81d6e',
      branch: 'main',
      trigger: { type: 'webhook', event: 'push' },
      requester: { username: 'github-webhook' },
    },
    status: {
      phase: 'Failed',
      progress: '2/4',
      failedStage: 'test',
      startedAt: '2026-03-01T12:00:05Z',
      completedAt: '2026-03-01T12:01:25Z',
      duration: '1m20s',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'RunFailed',
          message: 'stage test failed after 2 attempts: fix the failing tests and run again',
          lastTransitionTime: '2026-03-01T12:01:25Z',
        },
      ],
      plan: { risk: 'low', steps: [step('lint'), step('test'), step('build'), step('report')] },
      // listed out of plan order, as a status may be
      stages: [
        { name: 'report', state: 'Succeeded', finally: true, attempts: 1, durationSeconds: 2, exitCode: 0 },
        {
          name: 'test',
          state: 'Failed',
          runOn: 'runner',
          attempts: 2,
          durationSeconds: 61,
          exitCode: 1,
          message: 'exit code 1',
          findings: { testsPassed: 40, testsFailed: 3, failedTests: ['cart adds\x1b[2K', 'cart removes'] },
          log: 'kubectl bosun logs pipelinerun web-3f9c2ab --stage test',
          history: [
            {
              attempt: 1,
              startedAt: '2026-03-01T12:00:10Z',
              finishedAt: '2026-03-01T12:00:40Z',
              exitCode: 1,
              reason: 'exit code 1',
            },
            {
              attempt: 2,
              startedAt: '2026-03-01T12:00:50Z',
              finishedAt: '2026-03-01T12:01:20Z',
              exitCode: 1,
              reason: 'exit code 1',
            },
          ],
        },
        { name: 'lint', state: 'Reused', attempts: 0, reusedFrom: 'web-3f9c2ab-1', exitCode: 0 },
        { name: 'build', state: 'Skipped', attempts: 0, message: 'test did not succeed' },
      ],
      ...over,
    },
  });

describe('kubectl bosun describe pipelinerun', () => {
  it('tells who ran what, the phase and why', () => {
    const lines = renderPipelineRun(failedRun()).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'PipelineRun demo/web-3f9c2ab: Failed',
      'Pipeline: web',
      'Revision: 3f9c2ab81d6e on main',
      'Trigger: webhook (push)',
      'Requested by: github-webhook',
      'Why: stage test failed after 2 attempts: fix the failing tests and run again (RunFailed)',
      'Failed stage: test',
      'Started: 2026-03-01T12:00:05Z; completed 2026-03-01T12:01:25Z; took 1m20s',
    ]);
  });

  it('tables the stages in plan order, with state, attempts, duration and exit code', () => {
    const out = renderPipelineRun(failedRun());
    const at = out.split('\n').indexOf('Stages (in plan order):');
    expect(out.split('\n').slice(at + 1, at + 6)).toEqual([
      '  STAGE              STATE       ATTEMPTS   DURATION   EXIT CODE   RUNS ON',
      '  lint               Reused      0          -          0           -',
      '  test               Failed      2          1m1s       1           runner',
      '  build              Skipped     0          -          -           -',
      '  report (finally)   Succeeded   1          2s         0           -',
    ]);
  });

  it("gives each stage's message, findings, attempts, reuse and log", () => {
    const out = renderPipelineRun(failedRun());
    expect(out).toContain(
      [
        '  test:',
        '    message: exit code 1',
        '    findings: tests: 3 failed (cart adds, cart removes, …), 40 passed',
        '    log: kubectl bosun logs pipelinerun web-3f9c2ab --stage test',
        '    attempts:',
        '      ATTEMPT   STARTED                FINISHED               EXIT CODE   REASON',
        '      1         2026-03-01T12:00:10Z   2026-03-01T12:00:40Z   1           exit code 1',
        '      2         2026-03-01T12:00:50Z   2026-03-01T12:01:20Z   1           exit code 1',
      ].join('\n'),
    );
    expect(out).toContain('  lint:\n    reused from: web-3f9c2ab-1');
    expect(out).toContain('  build:\n    message: test did not succeed');
  });

  it('says when a waiting stage tries again', () => {
    const run = failedRun({
      phase: 'Running',
      stages: [{ name: 'test', state: 'Waiting', attempts: 1, nextAttemptAt: '2026-03-01T12:00:55Z' }],
    });
    expect(renderPipelineRun(run)).toContain('  test:\n    next attempt: 2026-03-01T12:00:55Z');
  });

  it('says a run with no stages yet is not planned', () => {
    const run = failedRun({ phase: 'Pending', stages: undefined, plan: undefined, conditions: undefined });
    expect(renderPipelineRun(run)).toMatch(/Stages: none yet/);
  });

  it('prints no terminal escape from the cluster', () => {
    // eslint-disable-next-line no-control-regex
    expect(renderPipelineRun(failedRun())).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('keeps stages the plan does not name after the others, in their order', () => {
    const run = failedRun({ plan: { risk: 'low', steps: [step('build')] } });
    expect(inPlanOrder(run).map((s) => s.name)).toEqual(['build', 'report', 'test', 'lint']);
  });
});

describe('findingsSummary', () => {
  it.each<{ why: string; f: StageFindings | undefined; want: string | undefined }>([
    { why: 'no findings', f: undefined, want: undefined },
    { why: 'an empty result', f: {}, want: undefined },
    { why: 'all tests passed', f: { testsPassed: 12, testsFailed: 0 }, want: 'tests: 12 passed' },
    {
      why: 'failed tests, all named',
      f: { testsFailed: 1, failedTests: ['login'], testsPassed: 3 },
      want: 'tests: 1 failed (login), 3 passed',
    },
    { why: 'failed tests, none named', f: { testsFailed: 2 }, want: 'tests: 2 failed' },
    { why: 'lint', f: { lintErrors: 1, lintWarnings: 3 }, want: 'lint: 1 error, 3 warnings' },
    {
      why: 'vulnerabilities by severity',
      f: { vulnerabilities: { critical: 1, high: 2, medium: 0, low: 5 } },
      want: 'vulnerabilities: 1 critical, 2 high, 0 medium, 5 low',
    },
    {
      why: 'a clean scan, with its summary',
      f: { vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0 }, summary: 'trivy fs .' },
      want: 'vulnerabilities: none; trivy fs .',
    },
  ])('$why', ({ f, want }) => {
    expect(findingsSummary(f)).toBe(want);
  });
});

describe('seconds', () => {
  it.each([
    [undefined, '-'],
    [0, '0s'],
    [80, '1m20s'],
    [3725, '1h2m5s'],
    [3600, '1h0m0s'],
  ])('%s is %s', (s, want) => {
    expect(seconds(s)).toBe(want);
  });
});
