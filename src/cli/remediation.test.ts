import { describe, expect, it } from 'vitest';
import type { ApprovalView } from './describe.js';
import { RECENT_EVENTS, renderRemediation, type EventView, type RemediationView } from './remediation.js';

const now = new Date('2026-03-01T12:10:00Z');

const healed = (over: Partial<NonNullable<RemediationView['status']>> = {}): RemediationView => ({
  metadata: { name: 'cache-oom', namespace: 'demo', uid: 'u-1', creationTimestamp: '2026-03-01T12:00:00Z' },
  spec: {
    issue: { source: 'manual', fingerprint: 'demo/cache/oom', summary: 'cache keeps restarting', severity: 'warning' },
    targetRef: { kind: 'Deployment', name: 'cache' },
    symptoms: ['container cache restarts'],
    mode: 'auto',
    requester: { username: 'alice' },
  },
  status: {
    phase: 'Healed',
    occurrences: 1,
    diagnosis: {
      symptom: 'OOMKilled',
      hypothesis: 'Container cache of deployment/cache was killed for using more memory than its limit (32Mi)',
      evidence: [
        { source: 'deployment/cache', summary: '0 of 2 pods Ready' },
        { source: 'pod/cache-1 logs', summary: 'allocating\x1b[2K\rall is fine' },
      ],
    },
    risk: 'medium',
    riskReasons: ['k8s.set-memory changes a workload'],
    progress: '2/2',
    plan: {
      hash: 'a'.repeat(64),
      risk: 'medium',
      reasoning: 'raise its memory limit from 32Mi to 48Mi',
      steps: [
        {
          tool: 'k8s.set-memory',
          params: { target: 'deployment/cache', container: 'cache', limit: '48Mi' },
          description: 'raise the memory limit of container cache of deployment/cache from 32Mi to 48Mi',
          risk: 'medium',
          state: 'Succeeded',
          attempt: 1,
          startedAt: '2026-03-01T12:01:00Z',
          finishedAt: '2026-03-01T12:01:01Z',
          diff: ['deployment/cache: spec.template.spec.containers[cache].resources.limits.memory: 32Mi → 48Mi'],
          message: 'patched deployment/cache',
        },
        {
          tool: 'k8s.set-memory',
          when: 'on-failure',
          params: { target: 'deployment/cache', container: 'cache', limit: '32Mi' },
          description: 'if the new pods do not become available: set the limit back',
          risk: 'medium',
          state: 'Skipped',
        },
      ],
    },
    decision: 'auto: medium risk runs (RiskPolicy demo/default, levels.medium)',
    policyVersion: 'default@42',
    verification: {
      result: 'Passed',
      message: 'healed: the symptoms stayed gone from 2026-03-01T12:01:30Z to 2026-03-01T12:01:35Z',
      since: '2026-03-01T12:01:30Z',
      until: '2026-03-01T12:01:35Z',
    },
    heals: [{ playbook: 'raise-memory', at: '2026-03-01T12:00:30Z', result: 'Healed' }],
    conditions: [{ type: 'Ready', status: 'True', reason: 'Healed', message: 'healed' }],
    ...over,
  },
});

const event = (reason: string, at: string, over: Partial<EventView> = {}): EventView => ({
  type: 'Normal',
  reason,
  message: `${reason} happened`,
  eventTime: at,
  ...over,
});

const story = (over: Partial<Parameters<typeof renderRemediation>[0]> = {}) =>
  renderRemediation({
    remediation: healed(),
    events: [event('Diagnosed', '2026-03-01T12:00:30.000000Z'), event('Healed', '2026-03-01T12:01:35.000000Z')],
    now,
    ...over,
  });

const approval: ApprovalView = {
  metadata: { name: 'cache-oom-1a2b', namespace: 'demo' },
  spec: {
    subjectRef: { kind: 'Remediation', name: 'cache-oom' },
    risk: 'medium',
    steps: [{ index: 0, tool: 'k8s.set-memory', summary: 'raise', risk: 'medium' }],
    approvers: { users: ['bob'], groups: ['sre'] },
    requiredApprovals: 1,
    expiresAt: '2026-03-02T12:00:00Z',
    decisions: [
      { user: 'bob', decision: 'approve', comment: 'more memory is fine', decidedAt: '2026-03-01T12:00:50Z' },
    ],
  },
  status: { state: 'Approved', approvals: 1 },
};

describe('kubectl bosun describe remediation', () => {
  it('tells the story in order: issue, diagnosis, plan, decisions, verification, heals, ticket, Events', () => {
    const out = story();
    const order = [
      'Remediation demo/cache-oom: Healed',
      'Issue: cache keeps restarting',
      'Diagnosis: OOMKilled',
      'Plan: playbook raise-memory, risk medium',
      'Decision: auto: medium risk runs',
      'Verification: Passed',
      'Heals tried (oldest first):',
      'Ticket: none',
      'Events (the last 2):',
    ].map((line) => out.indexOf(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows each step with the params it runs with, its state, result and dry-run changes', () => {
    const lines = story().split('\n');
    const at = lines.findIndex((l) => l.startsWith('  1. '));
    expect(lines.slice(at, at + 6)).toEqual([
      '  1. k8s.set-memory [risk medium] Succeeded, attempt 1, 2026-03-01T12:01:00Z → 2026-03-01T12:01:01Z',
      '       params: {"target":"deployment/cache","container":"cache","limit":"48Mi"}',
      '       description: raise the memory limit of container cache of deployment/cache from 32Mi to 48Mi',
      '       changes (server-side dry-run):',
      '         deployment/cache: spec.template.spec.containers[cache].resources.limits.memory: 32Mi → 48Mi',
      '       result: patched deployment/cache',
    ]);
    expect(lines).toContain('  2. k8s.set-memory [risk medium] Skipped (only if an earlier step fails)');
  });

  it('keeps the hypothesis and every piece of evidence, each on a line of its own, with no escape', () => {
    const out = story();
    expect(out).toContain('  hypothesis: Container cache of deployment/cache was killed');
    expect(out).toContain('    deployment/cache: 0 of 2 pods Ready');
    expect(out).toContain('    pod/cache-1 logs: allocating all is fine');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it.each([
    {
      why: 'no Approval was needed',
      approvalRef: undefined,
      approval: undefined,
      want: ['Approval: none asked for'],
    },
    {
      why: 'an approver decided',
      approvalRef: 'cache-oom-1a2b',
      approval,
      want: [
        'Approval cache-oom-1a2b: Approved, 1/1 approvals; approvers: users bob; groups sre; ' +
          'expires 2026-03-02T12:00:00Z',
        '  2026-03-01T12:00:50Z bob: approve (more memory is fine)',
      ],
    },
    {
      why: 'nobody decided yet',
      approvalRef: 'cache-oom-1a2b',
      approval: { ...approval, spec: { ...approval.spec, decisions: [] }, status: { state: 'Pending' } },
      want: ['  no decision yet: kubectl bosun approve|deny cache-oom-1a2b -n demo'],
    },
    {
      why: 'the user may not read it',
      approvalRef: 'cache-oom-1a2b',
      approval: { unreadable: 'approvals.bosun.dev "cache-oom-1a2b" is forbidden' },
      want: ['Approval cache-oom-1a2b: not shown (approvals.bosun.dev "cache-oom-1a2b" is forbidden)'],
    },
  ])('names the decisions when $why', ({ approvalRef, approval: a, want }) => {
    const lines = story({ remediation: healed({ approvalRef }), approval: a }).split('\n');
    for (const w of want) expect(lines).toContain(w);
  });

  it('shows the most recent Events, oldest first, with their repeats; or why none are shown', () => {
    const many = Array.from({ length: RECENT_EVENTS + 3 }, (_, i) =>
      event(`R${i}`, `2026-03-01T11:${40 + i}:00Z`),
    ).reverse();
    many.push(
      event('Occurred', '2026-03-01T11:00:00Z', { series: { count: 3, lastObservedTime: '2026-03-01T12:09:58Z' } }),
    );
    const lines = story({ events: many }).split('\n');
    const at = lines.indexOf(`Events (the last ${RECENT_EVENTS}):`);
    expect(lines[at + 1]).toBe('  (4 earlier not shown)');
    expect(lines[at + 2]).toMatch(/^ {2}AGE\s+TYPE\s+REASON\s+MESSAGE$/);
    expect(lines[at + 3]).toMatch(/^ {2}26m\s+Normal\s+R4\s+R4 happened$/);
    expect(lines.at(-1)).toMatch(/^ {2}2s\s+Normal\s+Occurred\s+Occurred happened \(x3\)$/);
    expect(story({ events: { unreadable: 'events is forbidden' } })).toContain(
      'Events: not shown (events is forbidden)',
    );
    expect(story({ events: [] })).toContain('Events: none');
  });

  it('says what has not happened yet for a Remediation just reported', () => {
    const fresh: RemediationView = { ...healed(), status: undefined };
    const out = renderRemediation({ remediation: fresh, events: [], now });
    expect(out.split('\n')).toEqual(
      expect.arrayContaining([
        'Remediation demo/cache-oom: Pending',
        'Diagnosis: not yet',
        'Plan: none',
        'Decision: none yet',
        'Verification: not started',
        'Heals tried: none',
      ]),
    );
  });

  it('shows the ticket, the occurrences and when the source said it resolved', () => {
    const out = story({
      remediation: healed({
        occurrences: 3,
        firstSeenAt: '2026-03-01T11:00:00Z',
        lastSeenAt: '2026-03-01T11:30:00Z',
        resolvedAt: '2026-03-01T11:30:00Z',
        ticket: { system: 'github', id: '12', url: 'https://github.example/acme/shop/issues/12' },
      }),
    });
    expect(out).toContain(
      'Occurrences: 3 (first seen 2026-03-01T11:00:00Z, last seen 2026-03-01T11:30:00Z); ' +
        'the source says it resolved at 2026-03-01T11:30:00Z',
    );
    expect(out).toContain('Ticket: github 12 https://github.example/acme/shop/issues/12');
  });
});
