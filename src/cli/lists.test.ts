import { describe, expect, it } from 'vitest';
import { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { goalTable, pipelineRunTable, pipelineTable, remediationTable, type GoalRow } from './lists.js';
import type { RemediationView } from './remediation.js';
import { age, table } from './table.js';

const now = new Date('2026-03-01T12:00:00Z');

const rem = (name: string, namespace: string, over: Partial<NonNullable<RemediationView['status']>> = {}) =>
  ({
    metadata: { name, namespace, creationTimestamp: '2026-03-01T11:55:00Z' },
    spec: {
      issue: { source: 'manual', fingerprint: name, summary: 's' },
      targetRef: { kind: 'Deployment', name: 'cache' },
    },
    status: { phase: 'Healed', occurrences: 2, ...over },
  }) satisfies RemediationView;

describe('kubectl bosun list goals|remediations', () => {
  it('shows each Remediation with its phase, target, source, occurrences and age', () => {
    expect(remediationTable([rem('cache-oom', 'demo')], now, false).split('\n')).toEqual([
      'NAME        PHASE    TARGET             SOURCE   OCCURRENCES   AGE',
      'cache-oom   Healed   deployment/cache   manual   2             5m',
    ]);
  });

  it('puts the namespace first when the list spans namespaces, and Pending where no status is yet', () => {
    const fresh: RemediationView = { ...rem('new', 'shop'), status: undefined };
    const lines = remediationTable([rem('cache-oom', 'demo'), fresh], now, true).split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+PHASE/);
    expect(lines[2]).toMatch(/^shop\s+new\s+Pending\s+deployment\/cache\s+manual\s+-\s+5m$/);
  });

  it('shows each Goal with its phase, intent, target, risk, progress and age', () => {
    const goals: GoalRow[] = [
      {
        metadata: { name: 'scale-web', namespace: 'demo', creationTimestamp: '2026-02-28T12:00:00Z' },
        spec: { intent: { type: 'scale', target: 'deployment/web' } },
        status: { phase: 'Succeeded', risk: 'low', progress: '2/2' },
      },
      { metadata: { name: 'why', namespace: 'demo' }, spec: { goal: 'web is slow' } },
    ];
    expect(goalTable(goals, now, false).split('\n')).toEqual([
      'NAME        PHASE       INTENT      TARGET           RISK   PROGRESS   AGE',
      'scale-web   Succeeded   scale       deployment/web   low    2/2        24h',
      'why         Pending     free text   -                -      -          <unknown>',
    ]);
  });
});

const run = (name: string, status?: Record<string, unknown>) =>
  PipelineRun.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name, namespace: 'demo', creationTimestamp: '2026-03-01T11:58:00Z' },
    spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
    status,
  });

const pipeline = (name: string, status?: Record<string, unknown>) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace: 'demo', creationTimestamp: '2026-02-27T12:00:00Z' },
    spec: { source: { repo: 'https://example.com/web.git' }, stages: [{ name: 'test', agent: 'test' }] },
    status,
  });

describe('kubectl bosun list pipelineruns|pipelines', () => {
  it('shows each PipelineRun with its Pipeline, phase, stages done, failed stage, duration and age', () => {
    const runs = [
      run('web-1', { phase: 'Failed', progress: '2/5', failedStage: 'test', duration: '1m20s' }),
      run('web-2', { phase: 'Running', progress: '1/5', duration: '12s' }),
      run('web-3'),
    ];
    expect(pipelineRunTable(runs, now, false).split('\n')).toEqual([
      'NAME    PIPELINE   PHASE     STAGES   FAILED STAGE   DURATION   AGE',
      'web-1   web        Failed    2/5      test           1m20s      2m',
      'web-2   web        Running   1/5      -              12s        2m',
      'web-3   web        Pending   -        -              -          2m',
    ]);
  });

  it('shows each Pipeline with its last run, counts, failures in a row and the halt', () => {
    const pipelines = [
      pipeline('web', {
        runs: 7,
        successCount: 4,
        failureCount: 3,
        consecutiveFailures: 3,
        lastRun: { name: 'web-7', phase: 'Failed' },
        halted: { since: '2026-03-01T11:00:00Z', generation: 2, message: '3 failed runs in a row' },
      }),
      pipeline('api'),
    ];
    expect(pipelineTable(pipelines, now, true).split('\n')).toEqual([
      'NAMESPACE   NAME   LAST RUN   LAST PHASE   SUCCEEDED   FAILED   IN A ROW   HALTED SINCE           AGE',
      'demo        web    web-7      Failed       4           3        3          2026-03-01T11:00:00Z   2d',
      'demo        api    -          -            0           0        0          -                      2d',
    ]);
  });
});

describe('table and age', () => {
  it('puts cluster text on one line with no escape, so a cell cannot pass for a row', () => {
    expect(
      table([
        ['A', 'B'],
        ['x\n  y\x1b[2K', 'z'],
      ]),
    ).toBe('A     B\nx y   z');
  });

  it.each([
    ['2026-03-01T11:59:15Z', '45s'],
    ['2026-03-01T11:50:00Z', '10m'],
    ['2026-03-01T07:00:00Z', '5h'],
    ['2026-02-20T12:00:00Z', '9d'],
    ['2026-03-01T12:00:30Z', '0s'], // a clock ahead of ours: not negative
    ['not a time', '<unknown>'],
  ])('age of %s is %s, as kubectl says it', (at, want) => {
    expect(age(at, now)).toBe(want);
  });
});
