// The ticket target's configuration: what zod accepts and refuses, and that
// the CRD schema it becomes is structural and carries the same rules as CEL.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStructural } from '../crd/structural.js';
import { TicketConfig } from './ticket.js';

const github = { repository: 'acme/payments', secretRef: { name: 'github-token', key: 'token' } };
const jira = { url: 'https://acme.atlassian.net', project: 'OPS', secretRef: { name: 'jira-credentials' } };

describe('TicketConfig', () => {
  it('fills the defaults', () => {
    expect(TicketConfig.parse({ github })).toEqual({ github: { ...github, labels: [] } });
    expect(TicketConfig.parse({ jira })).toEqual({ jira: { ...jira, issueType: 'Task' } });
  });

  it.each([
    { why: 'GitHub Enterprise over https', value: { github: { ...github, baseURL: 'https://ghe.acme.io/api/v3' } } },
    { why: 'an egress proxy in the pod', value: { github: { ...github, baseURL: 'http://127.0.0.1:8080' } } },
    { why: 'a repository name with dots', value: { github: { ...github, repository: 'acme/web.site_v2' } } },
    { why: 'a project key with digits', value: { jira: { ...jira, project: 'OPS2' } } },
  ])('accepts $why', ({ value }) => {
    expect(TicketConfig.safeParse(value).error?.issues ?? []).toEqual([]);
  });

  it.each([
    { why: 'neither system', value: {}, message: 'set exactly one of github or jira' },
    { why: 'both systems', value: { github, jira }, message: 'set exactly one of github or jira' },
    {
      why: 'a repository without owner',
      value: { github: { ...github, repository: 'payments' } },
      message: 'owner/name',
    },
    {
      why: 'a token sent in the clear',
      value: { github: { ...github, baseURL: 'http://ghe.acme.io/api/v3' } },
      message: 'must be an https:// URL',
    },
    {
      why: 'credentials in the URL',
      value: { jira: { ...jira, url: 'https://user:pw@acme.atlassian.net' } },
      message: 'must be an https:// URL',
    },
    { why: 'a lower-case project key', value: { jira: { ...jira, project: 'ops' } }, message: 'Jira project key' },
    { why: 'a label with a comma', value: { github: { ...github, labels: ['a,b'] } }, message: 'no comma' },
    { why: 'a Jira Secret without a name', value: { jira: { ...jira, secretRef: {} } }, message: '' },
  ])('refuses $why', ({ value, message }) => {
    const issues = TicketConfig.safeParse(value).error?.issues ?? [];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.map((i) => i.message).join('\n')).toContain(message);
  });

  it('becomes a structural schema with the rules as CEL', () => {
    const schema = toStructural(z.toJSONSchema(TicketConfig, { target: 'openapi-3.0', io: 'input' }));
    const text = JSON.stringify(schema);
    expect(text).toContain('has(self.github) != has(self.jira)');
    expect(text).toContain("self.matches('^(https://");
    // CEL reads the pattern's backslashes doubled: \\[::1\\] in the rule is \[::1\] to RE2
    expect(text).toContain(String.raw`\\\\[::1\\\\]`);
  });
});
