import { describe, expect, it } from 'vitest';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { decidePush, PushPayload, runName, sameRun, type PipelineRunObject } from './github-push.js';

const SHA = '3f9c2ab81d6e4b0f9a7c5d2e1f0a9b8c7d6e5f4a';
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

const pipeline = (
  name: string,
  o: {
    namespace?: string;
    github?: string;
    branch?: string;
    branches?: string[];
    sa?: string;
    deleting?: boolean;
  } = {},
) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      ...(o.deleting && { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    },
    spec: {
      source: {
        repo: 'https://github.com/acme/web.git',
        ...(o.branch && { branch: o.branch }),
        ...(o.github !== '' && { github: o.github ?? 'acme/web' }),
      },
      trigger: { ...(o.sa && { serviceAccountName: o.sa }), branches: o.branches ?? [] },
      stages: [{ name: 'test', agent: 'test', command: ['true'] }],
    },
  });

const push = (o: Record<string, unknown> = {}) =>
  PushPayload.parse({
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: SHA,
    created: false,
    deleted: false,
    repository: { full_name: 'acme/web', private: true, owner: { login: 'acme' } },
    pusher: { name: 'alice', email: 'alice@example.com' },
    sender: { login: 'alice' },
    commits: [{ id: SHA, message: 'fix: things' }],
    ...o,
  });

const runsOf = (d: ReturnType<typeof decidePush>) => ('runs' in d ? d.runs : []);

describe('PushPayload', () => {
  it('reads only the fields Bosun uses, and refuses a payload without a full commit SHA', () => {
    expect(Object.keys(push()).sort()).toEqual(['after', 'deleted', 'ref', 'repository', 'sender']);
    expect(push().repository).toEqual({ full_name: 'acme/web' });
    expect(
      PushPayload.safeParse({ ref: 'refs/heads/main', after: 'abc', repository: { full_name: 'a/b' } }).success,
    ).toBe(false);
    expect(PushPayload.safeParse({ ref: 'x'.repeat(513), after: SHA, repository: { full_name: 'a/b' } }).success).toBe(
      false,
    );
  });
});

describe('runName', () => {
  it.each([
    ['web', 'web-3f9c2ab'],
    ['a'.repeat(55), `${'a'.repeat(55)}-3f9c2ab`],
  ])('%s → %s', (name, want) => expect(runName(name, SHA)).toBe(want));

  it('shortens a long or dotted name to a DNS label of 63, keeping a hash of the whole name', () => {
    const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    for (const name of ['a'.repeat(56), `${'b'.repeat(60)}.x`, 'web.v2', `${'c'.repeat(45)}-----${'d'.repeat(40)}`]) {
      const got = runName(name, SHA);
      expect(got, name).toMatch(label);
      expect(got.length, name).toBeLessThanOrEqual(63);
      expect(got.endsWith('-3f9c2ab'), name).toBe(true);
    }
    // two names that shorten alike still differ
    expect(runName(`${'a'.repeat(60)}1`, SHA)).not.toBe(runName(`${'a'.repeat(60)}2`, SHA));
    expect(runName('web.v2', SHA)).not.toBe(runName('web-v2', SHA));
  });
});

describe('decidePush', () => {
  it('starts a run of the Pipeline of the repository, requested by its trigger ServiceAccount', () => {
    const d = decidePush(push(), [pipeline('web', { sa: 'pusher' })], DELIVERY);
    expect(d).toEqual({ runs: [expect.any(Object)], skipped: [] });
    const [run] = runsOf(d) as [PipelineRunObject];
    expect(run.metadata).toEqual({
      name: 'web-3f9c2ab',
      namespace: 'shop',
      labels: { 'bosun.dev/pipeline': 'web' },
      annotations: { 'bosun.dev/github-delivery': DELIVERY, 'bosun.dev/github-pusher': 'alice' },
    });
    expect(run.spec).toEqual({
      pipelineRef: { name: 'web' },
      revision: SHA,
      branch: 'main',
      trigger: { type: 'webhook', event: 'push' },
      mode: 'auto',
      requester: {
        username: 'system:serviceaccount:shop:pusher',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
      },
    });
    // what is created is a PipelineRun the API accepts
    expect(PipelineRun.safeParse(run).success).toBe(true);
  });

  it('matches the repository whatever its case, in every namespace, and only that repository', () => {
    const d = decidePush(
      push({ repository: { full_name: 'ACME/Web' } }),
      [
        pipeline('web', { namespace: 'b' }),
        pipeline('web', { namespace: 'a' }),
        pipeline('api', { github: 'acme/api' }),
        pipeline('none', { github: '' }),
      ],
      DELIVERY,
    );
    expect(runsOf(d).map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
      'a/web-3f9c2ab',
      'b/web-3f9c2ab',
    ]);
    expect(runsOf(d)[0]?.spec.requester?.username).toBe('system:serviceaccount:a:bosun-pipeline-trigger');
  });

  it.each([
    ['no Pipeline of the repository', push({ repository: { full_name: 'acme/other' } }), 404, 'UnknownRepository'],
    ['a tag', push({ ref: 'refs/tags/v1.0.0' }), 202, 'TagPush'],
    ['another ref', push({ ref: 'refs/notes/commits' }), 202, 'NotABranch'],
    ['a deleted branch', push({ deleted: true, after: '0'.repeat(40) }), 202, 'BranchDeleted'],
    ['the null commit', push({ after: '0'.repeat(40) }), 202, 'BranchDeleted'],
    ['a branch the Pipeline does not run for', push({ ref: 'refs/heads/dev' }), 202, 'BranchFiltered'],
  ])('%s: nothing, %s %s', (_what, p, status, reason) => {
    const d = decidePush(p, [pipeline('web')], DELIVERY);
    expect(d).toMatchObject({ status, reason });
    expect(runsOf(d)).toEqual([]);
  });

  it('filters by spec.trigger.branches, else by spec.source.branch, and says which Pipelines it skipped', () => {
    const pipelines = [
      pipeline('releases', { branches: ['release/*'] }),
      pipeline('develop', { branch: 'develop' }),
      pipeline('main'),
    ];
    const d = decidePush(push({ ref: 'refs/heads/release/1.2' }), pipelines, DELIVERY);
    expect(runsOf(d).map((r) => [r.metadata.name, r.spec.branch])).toEqual([['releases-3f9c2ab', 'release/1.2']]);
    expect(d.skipped.map((s) => [s.pipeline, s.reason])).toEqual([
      ['shop/develop', 'BranchFiltered'],
      ['shop/main', 'BranchFiltered'],
    ]);
    expect(d.skipped[0]?.message).toBe('a push to release/1.2 starts no run of this Pipeline: it runs for develop');
    expect(decidePush(push({ ref: 'refs/heads/release/1.2/x' }), pipelines, DELIVERY)).toMatchObject({
      status: 202,
      reason: 'BranchFiltered',
    });
  });

  it('skips a Pipeline being deleted and a branch a run cannot record', () => {
    expect(decidePush(push(), [pipeline('web', { deleting: true })], DELIVERY)).toMatchObject({
      status: 202,
      reason: 'PipelineDeleting',
    });
    const odd = decidePush(push({ ref: 'refs/heads/fix+1' }), [pipeline('web', { branches: ['fix*'] })], DELIVERY);
    expect(odd).toMatchObject({ status: 202, reason: 'BranchUnsupported' });
    const mixed = decidePush(
      push({ ref: 'refs/heads/dev' }),
      [pipeline('a'), pipeline('b', { deleting: true })],
      DELIVERY,
    );
    expect(mixed).toMatchObject({ status: 202, reason: 'NoRunStarted' });
  });

  it('a halted Pipeline still gets its run: the PipelineRun controller refuses it and says why', () => {
    const halted = pipeline('web');
    halted.status = {
      runs: 3,
      successCount: 0,
      failureCount: 3,
      consecutiveFailures: 3,
      halted: {
        since: '2026-01-01T00:00:00Z',
        generation: 1,
        message: '3 failed runs in a row',
      },
    };
    expect(runsOf(decidePush(push(), [halted], DELIVERY))).toHaveLength(1);
  });
});

describe('sameRun', () => {
  const [wanted] = runsOf(decidePush(push(), [pipeline('web')], DELIVERY)) as [PipelineRunObject];
  it.each([
    [{ spec: { pipelineRef: { name: 'web' }, revision: SHA } }, true],
    [{ spec: { pipelineRef: { name: 'web' }, revision: SHA.slice(0, 7) } }, true], // the same commit, short
    [{ spec: { pipelineRef: { name: 'web' }, revision: 'a1b2c3d' } }, false],
    [{ spec: { pipelineRef: { name: 'other' }, revision: SHA } }, false],
    [{}, false],
    [undefined, false],
  ])('%j: %s', (found, want) => expect(sameRun(found, wanted)).toBe(want));
});
