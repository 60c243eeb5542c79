// The report stage against the loopback Slack webhook and GitHub API: who is
// told what, which Secrets are read (and registered before use), and how a
// target that was not told fails the stage, naming what to fix.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../test/support/github-api.js';
import { startFakeSlack, type FakeSlack } from '../../../test/support/slack-api.js';
import { BosunError } from '../../api/errors.js';
import type { NotifyTarget } from '../../api/v1alpha1/pipeline.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import { SHA, sampleRun, samplePipeline, sampleStages } from '../../notify/notify.testkit.js';
import { StageParams, type StageProgress, type StageWork } from '../../tools/pipeline/stage.js';
import type { ToolContext } from '../../tools/tool.js';
import { reportBackend, type ReportBackendDeps } from './report-backend.js';

const ctx = {} as ToolContext;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const slack = (on?: NotifyTarget['on']): NotifyTarget => ({
  type: 'slack',
  secretRef: { name: 'slack-webhook', key: 'url' },
  on: on ?? ['failure', 'halt'],
});

describe('the report stage backend', () => {
  let hook: FakeSlack;
  let gh: FakeGitHub;
  beforeAll(async () => {
    [hook, gh] = await Promise.all([startFakeSlack(), startFakeGitHub()]);
    gh.commits.push(SHA);
  });
  afterEach(() => {
    expect(hook.failures).toEqual([]);
    expect(gh.failures).toEqual([]);
  });
  afterAll(() => Promise.all([hook.close(), gh.close()]));

  const github = (): NotifyTarget => ({
    type: 'github-status',
    secretRef: { name: 'github-token', key: 'token' },
    apiUrl: gh.baseURL,
    on: ['failure', 'halt'],
  });
  const work = (notify: NotifyTarget[], o: Partial<StageParams> = {}): StageWork => ({
    id: 'run-uid-1/plan/4-1',
    namespace: 'demo',
    params: StageParams.parse({
      run: { name: 'web-3f9c2ab', uid: 'run-uid-1' },
      pipeline: 'web',
      revision: SHA,
      stage: 'report',
      agent: 'report',
      runOn: 'runner',
      finally: true,
      serviceAccountName: 'bosun-pipeline',
      notify,
      github: gh.repository,
      ...o,
    }),
  });
  const setup = (o: { run?: PipelineRun; secrets?: Record<string, Record<string, string> | Error> } = {}) => {
    const read: string[] = [];
    const registered: string[] = [];
    const secrets: Record<string, Record<string, string> | Error> = o.secrets ?? {
      'slack-webhook': { url: b64(`${hook.url}\n`) },
      'github-token': { token: b64(gh.token) },
    };
    const deps: ReportBackendDeps = {
      getRun: (ns, name) => (ns === 'demo' && name === 'web-3f9c2ab' ? (o.run ?? sampleRun()) : undefined),
      getPipeline: (ns, name) => (ns === 'demo' && name === 'web' ? samplePipeline() : undefined),
      readSecret: async (ns, name) => {
        read.push(`${ns}/${name}`);
        const s = secrets[name];
        if (s instanceof Error) throw s;
        if (!s) throw new BosunError('BOSUN_ERR_KUBE_NOT_FOUND', `secrets "${name}" not found`);
        return s;
      },
      secrets: { add: (v) => void registered.push(v) },
      now: () => new Date('2026-03-01T12:00:00Z'),
      timeoutMs: 5000,
    };
    return { backend: reportBackend(deps), read, registered };
  };
  const ended = (p: StageProgress) => {
    if (p.state !== 'ended') throw new Error('the report stage did not end');
    return p;
  };

  it('tells Slack of a failure and sets the commit statuses, after registering each value it read', async () => {
    const { backend, registered, read } = setup();
    const messages = hook.messages.length;
    const statuses = gh.statuses.length;
    const p = ended(await backend.ensure(ctx, work([slack(), github()])));
    expect(p).toMatchObject({ outcome: 'succeeded', exitCode: null });
    expect(p.findings?.details).toEqual(['slack: told (failure)', 'github-status: 5 statuses on 3f9c2ab']);
    expect(p.reason).toBe('reported a failure: slack: told (failure), github-status: 5 statuses on 3f9c2ab');
    expect(hook.messages.length - messages).toBe(1);
    expect(hook.messages.at(-1)?.text).toMatch(/failed at test/);
    expect(gh.statuses.slice(statuses).map((s) => s.context)).toContain('bosun/web');
    expect(registered).toEqual([hook.url, gh.token]);
    expect(read).toEqual(['demo/slack-webhook', 'demo/github-token']);
  });

  it('does not tell Slack of an event not in its on (nor read its Secret); GitHub is told every run', async () => {
    const ok = sampleStages().map((s) => (s.finally ? s : { ...s, state: 'Succeeded' as const, message: undefined }));
    const { backend, read } = setup({ run: sampleRun(ok) });
    const messages = hook.messages.length;
    const p = ended(await backend.ensure(ctx, work([slack(), github()])));
    expect(p.outcome).toBe('succeeded');
    expect(p.findings?.details).toEqual([
      'slack: not told (success is not in its on)',
      'github-status: 5 statuses on 3f9c2ab',
    ]);
    expect(hook.messages.length).toBe(messages);
    expect(read).toEqual(['demo/github-token']);
  });

  it('tells a halt to a target that asks for halts only', async () => {
    const stages = sampleStages().map((s) =>
      s.name === 'security'
        ? { ...s, state: 'Failed' as const, message: `${PipelineReason.SecurityThreshold}: 1 critical` }
        : s,
    );
    const { backend } = setup({ run: sampleRun(stages) });
    const p = ended(await backend.ensure(ctx, work([slack(['halt'])])));
    expect(p.findings?.details).toEqual(['slack: told (halt)']);
    expect(hook.messages.at(-1)?.text).toMatch(/^:octagonal_sign: .*the Pipeline halts: security found/);
  });

  it.each([
    [{}, /slack: Secret demo\/slack-webhook does not exist: create it with the key url/],
    [{ 'slack-webhook': { other: b64('x') } }, /slack: Secret demo\/slack-webhook has no key url, or it is empty/],
    [
      { 'slack-webhook': new BosunError('BOSUN_ERR_KUBE_FORBIDDEN', 'forbidden') },
      /Bosun may not read Secret demo\/slack-webhook: bind the ClusterRole bosun-secret-reader .* -n demo/,
    ],
  ])('fails naming the Secret it could not use (%#), and still tells the other targets', async (slackSecret, want) => {
    const secrets = { 'github-token': { token: b64(gh.token) }, ...slackSecret };
    const { backend } = setup({ secrets });
    const statuses = gh.statuses.length;
    const p = ended(await backend.ensure(ctx, work([slack(), github()])));
    expect(p.outcome).toBe('failed');
    expect(p.reason).toMatch(want);
    expect(p.findings?.details).toEqual(['slack: not told', 'github-status: 5 statuses on 3f9c2ab']);
    expect(gh.statuses.length - statuses).toBe(5);
  });

  it('fails naming the target that refused, without its URL or token', async () => {
    const { backend } = setup({
      secrets: {
        'slack-webhook': { url: b64(`${hook.origin}/services/T0/B0/gone-webhook-secret`) },
        'github-token': { token: b64('ghp_wrong-token-0123456789abcdef') },
      },
    });
    const p = ended(await backend.ensure(ctx, work([slack(), github()])));
    expect(p.outcome).toBe('failed');
    expect(p.reason).toMatch(
      /^slack: Slack answered HTTP 404 \(no_service\).*; github-status: GitHub answered HTTP 401/,
    );
    expect(JSON.stringify(p)).not.toMatch(/gone-webhook-secret|ghp_wrong-token/);
  });

  it('numbers targets of the same type, and needs spec.source.github for commit statuses', async () => {
    const { backend } = setup();
    const p = ended(await backend.ensure(ctx, work([slack(), github(), slack()], { github: undefined })));
    expect(p.findings?.details).toEqual([
      'slack #1: told (failure)',
      'github-status: not told',
      'slack #3: told (failure)',
    ]);
    expect(p.reason).toBe('github-status: the Pipeline names no spec.source.github (owner/name)');
  });

  it('has nothing to tell without targets, and fails when its run is gone', async () => {
    const { backend } = setup();
    expect(ended(await backend.ensure(ctx, work([])))).toMatchObject({ outcome: 'succeeded', reason: /nothing/ });
    const gone = await backend.ensure(ctx, {
      ...work([slack()]),
      params: { ...work([]).params, run: { name: 'web-x', uid: 'u' } },
    });
    expect(ended(gone)).toMatchObject({
      outcome: 'failed',
      reason: 'PipelineRun demo/web-x is gone: there is no run to report',
    });
    await backend.cancel(ctx, work([])); // nothing to stop
  });
});
