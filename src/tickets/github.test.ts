// GitHub Issues as the ticket system, against the loopback GitHub API: what is
// sent (routes, labels, the close's state_reason), what GitHub does that Jira
// does not (pull requests in the issue list, labels dropped for a token without
// push access, 403 as a rate limit), and its limits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { CUT_MARK } from './fit.js';
import { GITHUB_BODY_MAX, GITHUB_TITLE_MAX } from './github.js';
import { ticketTarget } from './index.js';
import { fingerprintLabel } from './target.js';
import { githubHarness, request } from './tickets.testkit.js';

describe('GitHub tickets', () => {
  let h: Awaited<ReturnType<typeof githubHarness>>;
  beforeAll(async () => {
    h = await githubHarness();
  });
  afterEach(() => {
    expect(h.fake.failures).toEqual([]);
    h.fake.dropLabels = false;
  });
  afterAll(() => h.close());
  const since = () => {
    const from = h.fake.requests.length;
    return () => h.fake.requests.slice(from);
  };

  it('lists open issues by label, creates one with it, comments, and closes it as completed', async () => {
    const sent = since();
    const label = fingerprintLabel('gh/flow');
    const target = h.target();
    const ref = await target.open(request('gh/flow'));
    await target.close(ref, 'Healed.');
    const p = '/api/v3/repos/acme/payments/issues';
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${p}`,
      `POST ${p}`,
      `GET ${p}/${ref.id}`,
      `POST ${p}/${ref.id}/comments`,
      `PATCH ${p}/${ref.id}`,
    ]);
    const [list, create, , , patch] = sent();
    expect(Object.fromEntries(list!.query)).toMatchObject({ state: 'open', labels: label });
    expect(JSON.parse(create!.body)).toMatchObject({ labels: [label, 'bosun'] });
    expect(JSON.parse(patch!.body)).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(ref.url).toBe(`${h.fake.origin}/acme/payments/issues/${ref.id}`);
  });

  it('does not take an open pull request with the label for the ticket', async () => {
    const label = fingerprintLabel('gh/pr');
    h.fake.issues.push({
      number: h.fake.issues.length + 1,
      title: 'a pull request someone labelled',
      body: null,
      labels: [label],
      state: 'open',
      state_reason: null,
      comments: [],
      pull_request: true,
      created: 0,
    });
    const ref = await h.target().open(request('gh/pr'));
    const issue = h.fake.issues.find((i) => String(i.number) === ref.id);
    expect(issue?.pull_request).toBeUndefined();
  });

  it('refuses to go on when GitHub drops the label (a token without push access)', async () => {
    h.fake.dropLabels = true;
    const err = await h
      .target()
      .open(request('gh/nolabel'))
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_TICKET_AUTH')).toBe(true);
    const made = h.fake.issues.at(-1);
    expect((err as Error).message).toContain(`#${made?.number}`);
    expect((err as Error).message).toContain('Secret github-token');
  });

  it.each([
    {
      why: 'a 403 rate limit is an outage, retried',
      headers: { 'x-ratelimit-remaining': '0' } as Record<string, string>,
      code: 'BOSUN_ERR_TICKET_UNAVAILABLE',
    },
    { why: 'a 403 otherwise is a missing permission', headers: {}, code: 'BOSUN_ERR_TICKET_AUTH' },
  ] as const)('$why', async ({ headers, code }) => {
    h.fake.inject.push({ status: 403, headers, body: { message: 'Forbidden', documentation_url: 'x' } });
    const err = await h
      .target()
      .open(request('gh/403'))
      .catch((e: unknown) => e);
    expect(hasCode(err, code)).toBe(true);
  });

  it('names the fields of a 422, and only names that look like fields', async () => {
    h.fake.inject.push({
      status: 422,
      when: /^POST /,
      body: {
        message: 'Validation Failed',
        errors: [
          { resource: 'Issue', code: 'custom', field: 'title', message: 'too long' },
          { resource: 'Issue', code: 'custom', field: 'evil </script> text', message: 'x' },
        ],
      },
    });
    const err = await h
      .target()
      .open(request('gh/422'))
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_TICKET_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('fields: title');
    expect((err as Error).message).not.toContain('script');
  });

  it("cuts to GitHub's limits and defuses @mentions", async () => {
    const ref = await h.target().open({
      ...request('gh/long'),
      title: `a title\nover two lines ${'x'.repeat(400)}`,
      sections: {
        ...request('gh/long').sections,
        diagnosis: `@oncall-team look: ${'y'.repeat(50_000)}`,
        evidence: [{ source: 'logs', summary: `\`\`\` fence ${'z'.repeat(50_000)}` }],
      },
    });
    const issue = h.fake.issues.find((i) => String(i.number) === ref.id);
    expect(issue?.title.length).toBe(GITHUB_TITLE_MAX);
    expect(issue?.title).not.toContain('\n');
    expect(issue?.body?.length).toBeLessThanOrEqual(GITHUB_BODY_MAX);
    expect(issue?.body).toContain(CUT_MARK);
    expect(issue?.body).not.toContain('@oncall-team');
    expect(issue?.body).toContain('````text'); // a fence longer than the backticks inside
  });

  it.each([
    {
      why: 'a Secret without the key',
      config: { github: { repository: 'acme/payments', secretRef: { name: 's', key: 'token' } } },
      credentials: {},
    },
    {
      why: 'both systems at once',
      config: {
        github: { repository: 'acme/payments', secretRef: { name: 's', key: 'token' } },
        jira: { url: 'https://acme.atlassian.net', project: 'OPS', secretRef: { name: 's' } },
      },
      credentials: { token: 't0ken-value' },
    },
    {
      why: 'a plain-http API beyond the pod',
      config: {
        github: { repository: 'acme/payments', baseURL: 'http://github.example', secretRef: { name: 's', key: 'k' } },
      },
      credentials: { k: 't0ken-value' },
    },
  ])('refuses $why with BOSUN_ERR_TICKET_CONFIG', ({ config, credentials }) => {
    expect(() => ticketTarget(config, credentials as Record<string, string>)).toThrow(/^BOSUN_ERR_TICKET_CONFIG: /);
  });
});
