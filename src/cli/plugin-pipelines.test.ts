import { beforeEach, describe, expect, it, vi } from 'vitest';

// kubectl as the API server would answer: the objects below, and every call recorded
const calls: string[][] = [];
let objects: Record<string, unknown> = {};
vi.mock('./kubectl.js', () => ({
  kubectl: (args: string[], input?: string) => {
    calls.push(args);
    if (args[0] === 'patch') return 'patched';
    if (args[0] === 'create') return input;
    const found = objects[`${args[1]}/${args[2]}`];
    if (!found) throw new Error(`Error from server (NotFound): ${args[1]} "${args[2]}" not found`);
    return JSON.stringify(found);
  },
  ns: (n: string | undefined) => (n ? ['-n', n] : []),
  find: () => ({ items: Object.values(objects), searched: 'namespace demo', notes: [] }),
  whoami: () => ({ username: 'alice', groups: [] }),
}));

const { describePipelineRun, listPipelineRuns, pipelineRunLogs, resumePipeline, runPipeline } =
  await import('./plugin-pipelines.js');

const now = new Date('2026-03-01T12:00:00Z');
const pipeline = (status?: Record<string, unknown>) => ({
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'web', namespace: 'demo' },
  spec: { source: { repo: 'https://example.com/web.git' }, stages: [{ name: 'test', agent: 'test' }] },
  status,
});
const run = {
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'PipelineRun',
  metadata: { name: 'web-1', namespace: 'demo' },
  spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
  status: { phase: 'Running', stages: [{ name: 'test', state: 'Running', attempts: 1, log: 'kubectl logs job/x' }] },
};

beforeEach(() => {
  calls.length = 0;
  objects = {};
});

describe('kubectl bosun pipeline resume', () => {
  it('patches a halted Pipeline with a merge patch of the annotation', () => {
    objects['pipeline/web'] = pipeline({ halted: { since: '2026-03-01T11:00:00Z', generation: 1, message: 'x' } });
    expect(resumePipeline('web', 'demo', now)).toMatch(/^resumed pipeline demo\/web/);
    expect(calls.at(-1)).toEqual([
      'patch',
      'pipeline',
      'web',
      '-n',
      'demo',
      '--type=merge',
      '-p',
      '{"metadata":{"annotations":{"bosun.dev/resumed-at":"2026-03-01T12:00:00Z"}}}',
    ]);
  });

  it('writes nothing to a Pipeline that is not halted', () => {
    objects['pipeline/web'] = pipeline({ consecutiveFailures: 0 });
    expect(resumePipeline('web', 'demo', now)).toMatch(/is not halted/);
    expect(calls.some((c) => c[0] === 'patch')).toBe(false);
  });
});

describe('kubectl bosun pipeline run', () => {
  it("creates the run through the user's kubectl, named after the pipeline, the commit and 4 random characters", () => {
    objects['pipeline/web'] = pipeline();
    expect(runPipeline('web', 'demo', '3f9c2ab0d1e2')).toMatch(/^created pipelinerun web-3f9c2ab-[a-z0-9]{4} in demo/);
    expect(calls.at(-1)).toEqual(['create', '-f', '-', '-n', 'demo', '-o', 'json']);
  });
});

describe('reading PipelineRuns', () => {
  it('names the field of an object the CLI cannot read', () => {
    objects['pipelinerun/web-1'] = { ...run, status: { stages: [{ name: 'test', state: 'Exploded' }] } };
    expect(() => describePipelineRun('web-1', 'demo')).toThrow(/cannot read pipelinerun web-1: status.stages.0.state/);
  });

  it('lists what parses and names what does not', () => {
    objects = { a: run, b: { ...run, metadata: { name: 'broken', namespace: 'demo' }, spec: {} } };
    const out = listPipelineRuns('demo', false, now);
    expect(out).toMatch(/^NAME\s+PIPELINE/);
    expect(out).toContain('cannot read pipelinerun broken');
  });

  it('shows where the logs are without the action log when no etcd is given, and refuses -o json then', async () => {
    objects['pipelinerun/web-1'] = run;
    const usage = (m: string) => new Error(`usage: ${m}`);
    const out = await pipelineRunLogs('web-1', 'demo', 'test', undefined, 'table', usage);
    expect(out).toContain('test    Running   kubectl logs job/x');
    expect(out).toContain('Action log: not shown');
    await expect(pipelineRunLogs('web-1', 'demo', undefined, undefined, 'json', usage)).rejects.toThrow(/^usage:/);
    await expect(pipelineRunLogs('web-1', 'demo', 'lint', undefined, 'table', usage)).rejects.toThrow(/no stage lint/);
  });
});
