// Jira Cloud as the ticket system, against the loopback Jira REST v3: what is
// sent (the JQL, the created fields, ADF, the transition), what Jira does that
// GitHub does not (a workflow, status categories, a workflow with no way to
// Done, issue types), and its limits.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { ticketTarget } from './index.js';
import { CUT_MARK } from './fit.js';
import { JIRA_SUMMARY_MAX, JIRA_TEXT_MAX } from './jira.js';
import { fingerprintLabel } from './target.js';
import { jiraHarness, request } from './tickets.testkit.js';

describe('Jira tickets', () => {
  let h: Awaited<ReturnType<typeof jiraHarness>>;
  beforeAll(async () => {
    h = await jiraHarness();
  });
  afterEach(() => {
    expect(h.fake.failures).toEqual([]);
    h.fake.noDoneTransition = false;
  });
  afterAll(() => h.close());
  const since = () => {
    const from = h.fake.requests.length;
    return () => h.fake.requests.slice(from);
  };

  it('searches by label and status category, creates a Task with the label, and transitions it to Done', async () => {
    const sent = since();
    const label = fingerprintLabel('jira/flow');
    const target = h.target();
    const ref = await target.open(request('jira/flow'));
    await target.close(ref, 'Healed.');
    const p = '/rest/api/3';
    expect(sent().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${p}/search/jql`,
      `POST ${p}/issue`,
      `GET ${p}/issue/${ref.id}`,
      `GET ${p}/issue/${ref.id}/transitions`,
      `POST ${p}/issue/${ref.id}/comment`,
      `POST ${p}/issue/${ref.id}/transitions`,
    ]);
    const [search, create, , , , transition] = sent();
    expect(search!.query.get('jql')).toBe(
      `project = "OPS" AND labels = "${label}" AND statusCategory != Done ORDER BY created ASC`,
    );
    expect(JSON.parse(create!.body).fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Task' },
      labels: [label],
      description: { type: 'doc', version: 1 },
    });
    expect(JSON.parse(transition!.body)).toEqual({ transition: { id: '31' } });
    expect(ref.url).toBe(`${h.fake.url}/browse/${ref.id}`);
  });

  it('finds the ticket again while it is in progress (any category but Done)', async () => {
    const first = await h.target().open(request('jira/progress'));
    const issue = h.fake.issues.find((i) => i.key === first.id)!;
    issue.status = '3'; // In Progress: someone picked it up
    const again = await h.target().open(request('jira/progress'));
    expect(again).toEqual(first);
    expect(issue.comments).toHaveLength(1);
  });

  it('says what to fix when the workflow has no way to Done, and comments nothing', async () => {
    const ref = await h.target().open(request('jira/stuck'));
    h.fake.noDoneTransition = true;
    const err = await h
      .target()
      .close(ref, 'Healed.')
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_TICKET_NO_TRANSITION')).toBe(true);
    expect((err as Error).message).toContain(ref.id);
    expect(h.fake.issues.find((i) => i.key === ref.id)?.comments).toHaveLength(0);
  });

  it('names the field Jira refuses: an issue type the project does not have', async () => {
    const target = ticketTarget(
      { jira: { url: h.fake.url, project: 'OPS', issueType: 'Incident', secretRef: { name: 'jira-credentials' } } },
      { email: h.fake.email, apiToken: h.fake.apiToken },
    );
    const err = await target.open(request('jira/type')).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_TICKET_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('HTTP 400');
    expect((err as Error).message).toContain('fields: issuetype');
    expect((err as Error).message).toContain('issueType Incident');
  });

  it("cuts to Jira's limits: one summary line, the description's ADF within 32767 characters", async () => {
    const ref = await h.target().open({
      ...request('jira/long'),
      title: `first line\nsecond ${'s'.repeat(400)}`,
      sections: {
        ...request('jira/long').sections,
        diagnosis: 'd'.repeat(20_000),
        evidence: Array.from({ length: 5 }, (_, i) => ({ source: `pod/web-${i}`, summary: 'e'.repeat(20_000) })),
        tried: Array.from({ length: 50 }, (_, i) => `attempt ${i}`),
      },
    });
    const issue = h.fake.issues.find((i) => i.key === ref.id)!;
    expect(issue.summary.length).toBeLessThanOrEqual(JIRA_SUMMARY_MAX);
    expect(issue.summary).not.toMatch(/\n/);
    const json = JSON.stringify(issue.description);
    expect(json.length).toBeLessThanOrEqual(JIRA_TEXT_MAX);
    expect(json.length).toBeGreaterThan(JIRA_TEXT_MAX - 2000); // cut, not emptied
    expect(json).toContain(CUT_MARK);
  });

  it('refuses a Secret without email or apiToken with BOSUN_ERR_TICKET_CONFIG, naming the key only', () => {
    const config = { jira: { url: h.fake.url, project: 'OPS', secretRef: { name: 'jira-credentials' } } };
    expect(() => ticketTarget(config, { email: h.fake.email })).toThrow(
      'BOSUN_ERR_TICKET_CONFIG: Secret jira-credentials has no key apiToken, or it is empty',
    );
  });
});
