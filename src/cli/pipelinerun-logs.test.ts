import { describe, expect, it } from 'vitest';
import { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { renderPipelineRunLogs, runEntries, stageOf, unknownStage } from './pipelinerun-logs.js';

const run = (stages?: Record<string, unknown>[]) =>
  PipelineRun.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name: 'web-1', namespace: 'demo' },
    spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
    status: { phase: 'Running', stages },
  });
const stages = [
  { name: 'lint', state: 'Succeeded', attempts: 1, log: 'kubectl logs job/web-1-lint-1 -n demo' },
  { name: 'test', state: 'Running', attempts: 1, log: 'kubectl bosun logs pipelinerun web-1 --stage test' },
  { name: 'build', state: 'Pending', attempts: 0 },
];

const line = (action: string, detail: Record<string, unknown>, at = '2026-03-01T12:00:00Z') =>
  JSON.stringify({ id: `${action}-${at}`, at, kind: 'PipelineRun', namespace: 'demo', name: 'web-1', action, detail });
const lines = [
  line('Planned', { summary: '3 stages' }),
  line('ToolCall', { step: 1, params: { stage: 'lint' }, summary: 'lint passed' }, '2026-03-01T12:00:01Z'),
  line('StageStarted', { stage: 'test', note: 'attempt 1 on runner gpu-1' }, '2026-03-01T12:00:02Z'),
  'not json',
  JSON.stringify({ something: 'else' }),
];

describe('kubectl bosun logs pipelinerun', () => {
  it.each([
    { why: 'the detail names the stage', detail: { stage: 'test' }, want: 'test' },
    { why: "a tool call's params name it", detail: { params: { stage: 'lint' } }, want: 'lint' },
    { why: 'no stage', detail: { summary: 'x' }, want: undefined },
    { why: 'a stage that is not text', detail: { stage: 3 }, want: undefined },
  ])('finds the stage of an entry when $why', ({ detail, want }) => {
    const [entry] = runEntries([line('X', detail)], undefined);
    expect(stageOf(entry!)).toBe(want);
  });

  it("keeps the run's entries that parse, those of the stage only when one is given", () => {
    expect(runEntries(lines, undefined).map((e) => e.action)).toEqual(['Planned', 'ToolCall', 'StageStarted']);
    expect(runEntries(lines, 'test').map((e) => e.action)).toEqual(['StageStarted']);
  });

  it("says where each stage's log is, then the action log", () => {
    const out = renderPipelineRunLogs({ run: run(stages), entries: runEntries(lines, undefined) });
    expect(out.split('\n')).toEqual([
      'STAGE   STATE       LOG',
      'lint    Succeeded   kubectl logs job/web-1-lint-1 -n demo',
      'test    Running     kubectl bosun logs pipelinerun web-1 --stage test',
      'build   Pending     none yet: not started',
      '',
      'TIME                   ACTION         STAGE   DETAIL',
      '2026-03-01T12:00:00Z   Planned        -       3 stages',
      '2026-03-01T12:00:01Z   ToolCall       lint    lint passed',
      '2026-03-01T12:00:02Z   StageStarted   test    attempt 1 on runner gpu-1',
    ]);
  });

  it('shows one stage with --stage', () => {
    const out = renderPipelineRunLogs({ run: run(stages), stage: 'lint', entries: runEntries(lines, 'lint') });
    expect(out).toContain('lint    Succeeded');
    expect(out).not.toContain('test');
  });

  it('names what it could not read, and what has no entries', () => {
    const unread = renderPipelineRunLogs({ run: run(stages), entries: { unreadable: 'pass --etcd-endpoints' } });
    expect(unread).toContain('Action log: not shown (pass --etcd-endpoints)');
    const none = renderPipelineRunLogs({ run: run(), stage: 'test', entries: [] });
    expect(none).toBe('no stages yet: pipelinerun web-1 is not planned\n\nAction log: no entries for stage test');
  });

  it.each([
    { stage: undefined, want: undefined },
    { stage: 'test', want: undefined },
    { stage: 'deploy', want: 'pipelinerun web-1 has no stage deploy (its stages: lint, test, build)' },
  ])('checks --stage $stage against the run', ({ stage, want }) => {
    expect(unknownStage(run(stages), stage)).toBe(want);
  });
});
