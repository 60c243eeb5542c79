// A report as commit statuses, against the loopback GitHub API: a status per
// stage that ended and one for the run, with the token as GitHub takes it,
// and each refusal as a coded error that names what to fix, never the token.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../test/support/github-api.js';
import { hasCode } from '../api/errors.js';
import { commitStatuses, DESCRIPTION_MAX, sendCommitStatuses, type GitHubStatusTarget } from './github-status.js';
import { SHA, sampleRun, samplePipeline, sampleStages } from './notify.testkit.js';
import { buildReport } from './report.js';

const report = () => buildReport({ run: sampleRun(), pipeline: samplePipeline(), self: 'report' });
const secret = { namespace: 'demo', name: 'github-token', key: 'token' };

describe('commit statuses', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub();
    fake.commits.push(SHA);
  });
  afterEach(() => expect(fake.failures).toEqual([]));
  afterAll(() => fake.close());
  const target = (o: Partial<GitHubStatusTarget> = {}): GitHubStatusTarget => ({
    repository: fake.repository,
    sha: SHA,
    token: fake.token,
    apiUrl: fake.baseURL,
    secret,
    timeoutMs: 5000,
    ...o,
  });
  const refusal = async (t: GitHubStatusTarget) => {
    const err = await sendCommitStatuses(report(), t).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_NOTIFY')).toBe(true);
    const message = (err as Error).message;
    expect(message).not.toContain(t.token);
    return message;
  };

  it('sets one per stage that ended and one for the run, with the token in the Authorization header', async () => {
    const before = fake.statuses.length;
    const from = fake.requests.length;
    expect(await sendCommitStatuses(report(), target())).toBe(5);
    const set = fake.statuses.slice(before);
    expect(set.map((s) => [s.context, s.state])).toEqual([
      ['bosun/web/lint', 'success'],
      ['bosun/web/test', 'failure'],
      ['bosun/web/build', 'success'],
      ['bosun/web/security', 'error'],
      ['bosun/web', 'failure'],
    ]);
    expect(set.every((s) => s.sha === SHA && (s.description?.length ?? 0) <= DESCRIPTION_MAX)).toBe(true);
    expect(set[1]?.description).toBe(
      'Failed in 1m20s: tests 40 passed, 1 failed (login <redirects> & keeps the session) (exit code 1)',
    );
    expect(set[2]?.description).toBe('Succeeded in 1m1s: image registry.example/web@sha256:ab12ab12ab12…');
    expect(set[4]?.description).toBe('run web-3f9c2ab failed at test in 2m31s (3f9c2ab on main)');
    const sent = fake.requests.slice(from);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(5).fill(`POST /api/v3/repos/acme/payments/statuses/${SHA}`),
    );
    expect(sent[0]?.headers.authorization).toBe(`token ${fake.token}`);
  });

  it('tells a successful run as success, a cancelled one as error', () => {
    const ok = sampleStages().map((s) => (s.finally ? s : { ...s, state: 'Succeeded' as const, message: undefined }));
    const good = buildReport({ run: sampleRun(ok), pipeline: samplePipeline(), self: 'report' });
    expect(commitStatuses(good).at(-1)).toMatchObject({ context: 'bosun/web', state: 'success' });
    const stopped = buildReport({
      run: sampleRun(sampleStages(), { status: 'Cancelled' }),
      pipeline: samplePipeline(),
      self: 'report',
    });
    expect(commitStatuses(stopped).at(-1)).toMatchObject({ state: 'error' });
  });

  it('cuts a description to 140 characters', () => {
    const r = report();
    r.stages[0]!.findings = ['x'.repeat(300)];
    expect(commitStatuses(r)[0]?.description).toHaveLength(DESCRIPTION_MAX);
  });

  it('names the Secret of a token GitHub refuses (401), never the token, and stops at the first refusal', async () => {
    const from = fake.requests.length;
    const message = await refusal(target({ token: 'ghp_not-the-right-one-0123456789' }));
    expect(message).toMatch(/HTTP 401 .*the token in Secret demo\/github-token \(key token\) is wrong/);
    expect(message).not.toContain('ghp_not-the-right-one');
    expect(fake.requests.length - from).toBe(1);
  });

  it.each([
    [{ status: 403, body: { message: 'Resource not accessible by integration' } }, /"Commit statuses: Read and write"/],
    [{ status: 403, body: {}, headers: { 'x-ratelimit-remaining': '0' } }, /rate-limited or failing/],
    [{ status: 502, body: {} }, /rate-limited or failing/],
  ])('says what to do about %j', async (answer, want) => {
    fake.inject.push(answer);
    expect(await refusal(target())).toMatch(want);
  });

  it('names the repository GitHub does not know (404), and the commit it does not have (422)', async () => {
    expect(await refusal(target({ repository: 'acme/elsewhere' }))).toMatch(
      /check spec.source.github \(acme\/elsewhere\)/,
    );
    const other = 'b'.repeat(40);
    expect(await refusal(target({ sha: other }))).toMatch(new RegExp(`GitHub has no commit ${other} in acme/payments`));
  });

  it('sends a token only over https (or to this host)', async () => {
    const from = fake.requests.length;
    expect(await refusal(target({ apiUrl: 'http://ghe.example/api/v3' }))).toMatch(/is not https/);
    expect(await refusal(target({ token: 'two words' }))).toMatch(/is not a token/);
    expect(fake.requests.length).toBe(from);
  });
});
