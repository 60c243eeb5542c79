// The escalation ticket against the loopback GitHub and Jira APIs: opened when
// a Remediation becomes Escalated (once, across a crash), commented on when
// its issue is seen again, closed when it is Healed; a system that is down is
// retried with backoff and never changes the Remediation's phase; what a person
// must fix is said on Ticketed and in a Warning; no ticket configured, nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../test/support/github-api.js';
import { startFakeJira, type FakeJira } from '../../../test/support/jira-api.js';
import { BosunError } from '../../api/errors.js';
import { Remediation, type RemediationStatus } from '../../api/v1alpha1/remediation.js';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { TicketConfig } from '../../api/v1alpha1/ticket.js';
import { builtInPolicy } from '../../policy/decision.js';
import { fingerprintLabel } from '../../tickets/index.js';
import {
  escalate,
  governingPolicy,
  retryDelay,
  ticketAction,
  ticketAnnouncements,
  ticketRequest,
  type EscalationDeps,
  type GoverningPolicy,
} from './escalation.js';

type Status = RemediationStatus;
const now = new Date('2026-03-01T10:00:00Z');
const later = (s: number) => new Date(now.getTime() + s * 1000);

const rem = (fingerprint = 'alert/web-crash'): Remediation =>
  Remediation.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Remediation',
    metadata: { name: 'web-crashloop', namespace: 'shop', uid: 'u1', generation: 1 },
    spec: {
      issue: {
        source: 'alert',
        fingerprint,
        summary: 'web is crash looping',
        generatorURL: 'http://prometheus.example/graph?g0.expr=up',
      },
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    },
  });

const healing: Status = {
  phase: 'Verifying',
  observedGeneration: 1,
  occurrences: 1,
  diagnosis: {
    symptom: 'CrashLoop',
    hypothesis: 'revision 2 (by Goal ship-web) crashes on start',
    evidence: [{ source: 'pod/web-7c9 logs', summary: 'panic: no config' }],
  },
  heals: [{ playbook: 'rollback', at: '2026-03-01T09:58:00Z', result: 'VerificationFailed' }],
  plan: {
    risk: 'medium',
    reasoning: 'undo the heal: the alert has not resolved',
    steps: [
      {
        tool: 'k8s.rollout-undo',
        when: 'always',
        params: {},
        description: 'roll deployment/web forward to revision 2',
        risk: 'medium',
        state: 'Succeeded',
        message: 'rolled back to revision 2',
      },
    ],
  },
};
const escalatedStatus: Status = {
  ...healing,
  phase: 'Escalated',
  conditions: [
    {
      type: 'Succeeded',
      status: 'False',
      reason: 'VerificationFailed',
      message: 'escalated: the heal did not hold; the heal was undone',
      lastTransitionTime: '2026-03-01T10:00:00Z',
    },
  ],
};
const healed: Status = {
  ...healing,
  phase: 'Healed',
  verification: { result: 'Passed', message: 'healed: the symptoms stayed gone' },
};

const github = (fake: FakeGitHub, over: Partial<NonNullable<TicketConfig['github']>> = {}): TicketConfig => ({
  github: {
    repository: fake.repository,
    baseURL: fake.baseURL,
    secretRef: { name: 'github-token', key: 'token' },
    labels: [],
    ...over,
  },
});
const policyWith = (ticket: TicketConfig | undefined): GoverningPolicy => ({
  policy: {
    source: 'RiskPolicy tickets/default',
    spec: RiskPolicySpec.parse(ticket ? { escalation: { ticket } } : {}),
    version: 'tickets/default@1',
  },
  namespace: 'tickets',
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Deps whose Secrets are `secrets` (by name), with what was read and registered. */
function depsWith(secrets: Record<string, Record<string, string> | Error>) {
  const read: string[] = [];
  const registered: string[] = [];
  const deps: EscalationDeps = {
    readSecret: async (namespace, name) => {
      read.push(`${namespace}/${name}`);
      const s = secrets[name];
      if (s instanceof Error) throw s;
      if (!s) throw new BosunError('BOSUN_ERR_KUBE_NOT_FOUND', `secrets "${name}" not found`);
      return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, b64(v)]));
    },
    secrets: { add: (v) => registered.push(v) },
    operatorNamespace: 'bosun-system',
  };
  return { deps, read, registered };
}

const ticketed = (s: Status) => s.conditions?.find((c) => c.type === 'Ticketed');

describe('ticketAction', () => {
  const withTicket = (s: Status, t: Partial<NonNullable<Status['ticket']>> = {}): Status => ({
    ...s,
    ticket: { system: 'github', id: '1', url: 'http://127.0.0.1/acme/payments/issues/1', occurrences: 1, ...t },
  });
  it.each<{ why: string; prev: Status; next: Status; want: string | undefined }>([
    { why: 'it became Escalated', prev: healing, next: escalatedStatus, want: 'open' },
    {
      why: 'it escalated again, with a ticket still open',
      prev: withTicket(healing),
      next: withTicket(escalatedStatus),
      want: 'open',
    },
    { why: 'it stays Escalated and owes nothing', prev: escalatedStatus, next: escalatedStatus, want: undefined },
    {
      why: 'an open that failed is retried',
      prev: escalatedStatus,
      next: { ...escalatedStatus, ticketRetry: { action: 'open', attempts: 1, at: '2026-03-01T10:00:05Z' } },
      want: 'open',
    },
    {
      why: 'the issue was seen again',
      prev: withTicket(escalatedStatus),
      next: withTicket({ ...escalatedStatus, occurrences: 3 }),
      want: 'comment',
    },
    {
      why: 'the ticket was told of every occurrence',
      prev: withTicket(escalatedStatus),
      next: withTicket({ ...escalatedStatus, occurrences: 3 }, { occurrences: 3 }),
      want: undefined,
    },
    { why: 'it was Healed with a ticket open', prev: withTicket(healing), next: withTicket(healed), want: 'close' },
    {
      why: 'it is Healed and the ticket closed',
      prev: withTicket(healed, { closedAt: '2026-03-01T10:00:00Z' }),
      next: withTicket(healed, { closedAt: '2026-03-01T10:00:00Z' }),
      want: undefined,
    },
    { why: 'it was Healed without a ticket', prev: healing, next: healed, want: undefined },
    { why: 'it is still healing', prev: { phase: 'Diagnosing' }, next: healing, want: undefined },
  ])('$why: $want', ({ prev, next, want }) => {
    expect(ticketAction(prev, next)).toBe(want);
  });
});

describe('retryDelay', () => {
  it('doubles from 5s to 10 minutes while the system is down, and from a minute to an hour otherwise', () => {
    expect([1, 2, 3, 8, 60].map((n) => retryDelay(n, true))).toEqual([5000, 10000, 20000, 600000, 600000]);
    expect([1, 2, 7, 60].map((n) => retryDelay(n, false))).toEqual([60000, 120000, 3600000, 3600000]);
  });
});

describe('governingPolicy', () => {
  const cache = (have: string[]) => ({
    get: (ns: string | undefined, name: string) =>
      have.includes(`${ns}/${name}`)
        ? { apiVersion: 'bosun.dev/v1alpha1', kind: 'RiskPolicy', metadata: { name, namespace: ns }, spec: {} }
        : undefined,
  });
  it.each([
    { why: 'the named one, in the namespace', have: ['shop/strict'], ref: 'strict', want: 'shop' },
    { why: "the namespace's default", have: ['shop/default', 'bosun-system/default'], ref: undefined, want: 'shop' },
    { why: "the operator's default", have: ['bosun-system/default'], ref: undefined, want: 'bosun-system' },
  ])('finds $why', ({ have, ref, want }) => {
    expect(governingPolicy(cache(have), 'shop', ref, 'bosun-system')?.namespace).toBe(want);
  });
  it('gives the built-in policy no namespace, and a named policy that is missing, nothing', () => {
    expect(governingPolicy(cache([]), 'shop', undefined, 'bosun-system')).toEqual({ policy: builtInPolicy });
    expect(governingPolicy(cache([]), 'shop', 'strict', 'bosun-system')).toBeUndefined();
  });
});

describe('the ticket', () => {
  it('says the diagnosis, what was tried and where to look', () => {
    const t = ticketRequest(rem(), escalatedStatus);
    expect(t.fingerprint).toBe('shop/alert/web-crash');
    expect(t.title).toBe('web is crash looping: Deployment shop/web');
    expect(t.sections.diagnosis).toContain('Symptom: CrashLoop');
    expect(t.sections.diagnosis).toContain('Hypothesis: revision 2 (by Goal ship-web) crashes on start');
    expect(t.sections.diagnosis).toContain('(VerificationFailed): escalated: the heal did not hold');
    expect(t.sections.evidence).toEqual([{ source: 'pod/web-7c9 logs', summary: 'panic: no config' }]);
    expect(t.sections.tried).toEqual([
      'heal 1: playbook rollback at 2026-03-01T09:58:00Z: VerificationFailed',
      'plan: undo the heal: the alert has not resolved',
      'step 1 k8s.rollout-undo (Succeeded): roll deployment/web forward to revision 2: rolled back to revision 2',
    ]);
    expect(t.sections.links).toEqual([
      { title: 'The Remediation', url: 'kubectl describe remediation web-crashloop -n shop' },
      { title: 'The alert', url: 'http://prometheus.example/graph?g0.expr=up' },
    ]);
  });
});

describe('escalation tickets in GitHub', () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub();
  });
  afterEach(() => expect(fake.failures).toEqual([]));
  afterAll(() => fake.close());
  const issuesOf = (fingerprint: string) =>
    fake.issues.filter((i) => i.labels.includes(fingerprintLabel(`shop/${fingerprint}`)));

  it('opens one issue when a Remediation escalates, once across a crash, comments on repeats, closes when healed', async () => {
    const { deps, read, registered } = depsWith({ 'github-token': { token: fake.token } });
    const policy = policyWith(github(fake));
    const r = rem('gh/flow');

    const opened = await escalate(deps, { remediation: r, prev: healing, next: escalatedStatus, policy, now });
    expect(read).toEqual(['tickets/github-token']); // the RiskPolicy's namespace
    expect(registered).toEqual([fake.token]);
    const [issue] = issuesOf('gh/flow');
    expect(opened.next.phase).toBe('Escalated');
    expect(opened.next.ticket).toEqual({
      system: 'github',
      id: String(issue?.number),
      url: `${fake.origin}/acme/payments/issues/${issue?.number}`,
      occurrences: 1,
    });
    expect(ticketed(opened.next)).toMatchObject({ status: 'True', reason: 'TicketOpened' });
    expect(issue?.title).toBe('web is crash looping: Deployment shop/web');
    for (const text of ['CrashLoop', 'crashes on start', 'panic: no config', 'k8s.rollout-undo', 'kubectl describe'])
      expect(issue?.body).toContain(text);

    // a crash before the status was written: the same decision again finds the issue it opened
    const again = await escalate(deps, { remediation: r, prev: healing, next: escalatedStatus, policy, now });
    expect(again.next.ticket).toEqual(opened.next.ticket);
    expect(issuesOf('gh/flow')).toHaveLength(1);

    const seen = { ...opened.next, occurrences: 3, lastSeenAt: '2026-03-01T10:05:00Z' };
    const commented = await escalate(deps, { remediation: r, prev: opened.next, next: seen, policy, now });
    expect(commented.next.ticket?.occurrences).toBe(3);
    expect(issue?.comments.at(-1)).toMatch(/^Seen again: 3 occurrence\(s\)/);
    const quiet = fake.requests.length;
    await escalate(deps, { remediation: r, prev: commented.next, next: commented.next, policy, now });
    expect(fake.requests.length).toBe(quiet); // nothing owed, nothing sent

    const fixed = { ...healed, ticket: commented.next.ticket, conditions: commented.next.conditions };
    const closed = await escalate(deps, { remediation: r, prev: commented.next, next: fixed, policy, now });
    expect(issue?.state).toBe('closed');
    expect(closed.next.phase).toBe('Healed');
    expect(closed.next.ticket?.closedAt).toBe('2026-03-01T10:00:00Z');
    expect(ticketed(closed.next)).toMatchObject({ status: 'True', reason: 'TicketClosed' });
    expect(ticketAnnouncements(commented.next, closed.next)).toEqual([
      { type: 'Normal', reason: 'TicketClosed', note: expect.stringContaining(opened.next.ticket?.url ?? '?') },
    ]);
  });

  it('retries a GitHub that is down with backoff, never changing the phase, then opens the issue', async () => {
    const { deps } = depsWith({ 'github-token': { token: fake.token } });
    const policy = policyWith(github(fake));
    const r = rem('gh/down');
    fake.inject.push({ status: 503, body: { message: 'Service Unavailable' } });

    const down = await escalate(deps, { remediation: r, prev: healing, next: escalatedStatus, policy, now });
    expect(down.next.phase).toBe('Escalated');
    expect(down.next.conditions?.find((c) => c.type === 'Succeeded')?.reason).toBe('VerificationFailed');
    expect(down.next.ticket).toBeUndefined();
    expect(down.next.ticketRetry).toEqual({ action: 'open', attempts: 1, at: '2026-03-01T10:00:05Z' });
    expect(down.requeueAfter).toBe(5000);
    expect(ticketed(down.next)).toMatchObject({ status: 'Unknown', reason: 'TicketUnavailable' });
    expect(ticketAnnouncements(escalatedStatus, down.next)).toMatchObject([
      { type: 'Warning', reason: 'TicketUnavailable' },
    ]);

    const sent = fake.requests.length;
    const waiting = await escalate(deps, { remediation: r, prev: down.next, next: down.next, policy, now: later(2) });
    expect(fake.requests.length).toBe(sent); // not before its time
    expect(waiting).toEqual({ next: down.next, requeueAfter: 3000 });

    fake.inject.push({ status: 502, body: { message: 'Bad Gateway' } });
    const still = await escalate(deps, { remediation: r, prev: down.next, next: down.next, policy, now: later(5) });
    expect(still.next.ticketRetry?.attempts).toBe(2);
    expect(still.requeueAfter).toBe(10000);
    expect(ticketAnnouncements(down.next, still.next)).toEqual([]); // said once

    const up = await escalate(deps, { remediation: r, prev: still.next, next: still.next, policy, now: later(15) });
    expect(up.next.ticketRetry).toBeUndefined();
    expect(up.next.ticket?.url).toMatch(/\/acme\/payments\/issues\/\d+$/);
    expect(issuesOf('gh/down')).toHaveLength(1);
  });

  it('says a refused token on Ticketed and in a Warning, naming the Secret and never the token', async () => {
    const wrong = 'ghp_' + 'x'.repeat(36);
    const { deps, registered } = depsWith({ 'github-token': { token: wrong } });
    const out = await escalate(deps, {
      remediation: rem('gh/auth'),
      prev: healing,
      next: escalatedStatus,
      policy: policyWith(github(fake)),
      now,
    });
    expect(registered).toEqual([wrong]);
    const c = ticketed(out.next);
    expect(c).toMatchObject({ status: 'False', reason: 'TicketAuthFailed' });
    expect(c?.message).toContain('Secret github-token');
    expect(JSON.stringify(out.next)).not.toContain(wrong);
    expect(out.next.phase).toBe('Escalated');
    expect(out.requeueAfter).toBe(60000);
    expect(ticketAnnouncements(escalatedStatus, out.next)).toMatchObject([
      { type: 'Warning', reason: 'TicketAuthFailed' },
    ]);
  });

  it.each([
    {
      why: 'forbidden: the namespace must bind bosun-secret-reader',
      err: new BosunError('BOSUN_ERR_KUBE_FORBIDDEN', 'secrets "github-token" is forbidden'),
      says: /bind the ClusterRole bosun-secret-reader .* --serviceaccount=bosun-system:bosun/,
    },
    { why: 'missing', err: undefined, says: /Secret tickets\/github-token .* does not exist: create it/ },
  ])('says a Secret Bosun cannot read: $why', async ({ err, says }) => {
    const { deps } = depsWith(err ? { 'github-token': err } : {});
    const out = await escalate(deps, {
      remediation: rem('gh/secret'),
      prev: healing,
      next: escalatedStatus,
      policy: policyWith(github(fake)),
      now,
    });
    expect(ticketed(out.next)).toMatchObject({ status: 'False', reason: 'TicketSecretUnreadable' });
    expect(ticketed(out.next)?.message).toMatch(says);
  });

  it('does nothing, and says nothing, when no ticket is configured', async () => {
    const { deps, read } = depsWith({});
    for (const policy of [policyWith(undefined), { policy: builtInPolicy }]) {
      const out = await escalate(deps, { remediation: rem(), prev: healing, next: escalatedStatus, policy, now });
      expect(out).toEqual({ next: escalatedStatus });
    }
    expect(read).toEqual([]);
  });
});

describe('escalation tickets in Jira', () => {
  let fake: FakeJira;
  beforeAll(async () => {
    fake = await startFakeJira();
  });
  afterEach(() => expect(fake.failures).toEqual([]));
  afterAll(() => fake.close());

  it('opens an issue in the project when a Remediation escalates and moves it to Done when healed', async () => {
    const { deps, registered } = depsWith({
      'jira-credentials': { email: fake.email, apiToken: fake.apiToken },
    });
    const policy = policyWith({
      jira: { url: fake.url, project: fake.project, issueType: 'Task', secretRef: { name: 'jira-credentials' } },
    });
    const r = rem('jira/flow');
    const opened = await escalate(deps, { remediation: r, prev: healing, next: escalatedStatus, policy, now });
    expect(registered).toEqual([fake.email, fake.apiToken]);
    const issue = fake.issues.find((i) => i.labels.includes(fingerprintLabel('shop/jira/flow')));
    expect(opened.next.ticket).toEqual({
      system: 'jira',
      id: issue?.key,
      url: `${fake.url}/browse/${issue?.key}`,
      occurrences: 1,
    });
    expect(JSON.stringify(issue?.description)).toContain('CrashLoop');

    const fixed = { ...healed, ticket: opened.next.ticket };
    const closed = await escalate(deps, { remediation: r, prev: opened.next, next: fixed, policy, now });
    expect(closed.next.ticket?.closedAt).toBeDefined();
    expect(issue?.status).toBe('10001'); // Done
  });
});
