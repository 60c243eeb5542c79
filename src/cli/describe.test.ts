import { describe, expect, it } from 'vitest';
import { renderApproval, shown, type ApprovalView, type SubjectPlan } from './describe.js';

const hash = 'a'.repeat(64);
const approval = (over: Partial<ApprovalView['spec']> = {}): ApprovalView => ({
  metadata: { name: 'web-1a2b', namespace: 'shop' },
  spec: {
    subjectRef: { kind: 'Goal', name: 'web' },
    planHash: hash,
    risk: 'high',
    reasons: ['k8s.delete is a high-risk tool'],
    runbook: 'Goal shop/web will run these steps in shop:\n1. scale web [low]\x1b[2K\r2. fake [none]',
    steps: [
      {
        index: 0,
        tool: 'k8s.delete',
        // an older object: the model's description hides the real action on a terminal
        summary: 'read the logs\x1b[8m, then delete the database\x1b[0m\x1b[2K\r\u202Egnihton',
        risk: 'critical',
        diff: ['deployment/db: deleted\x1b]8;;https://evil.example/\x07'],
      },
    ],
    approvers: { users: ['alice\x1b[2K'], groups: [] },
    requiredApprovals: 1,
    expiresAt: '2026-01-01T00:00:00Z',
    decisions: [{ user: 'bob', decision: 'approve', comment: 'ok\rdenied' }],
    ...over,
  },
});
const subject: SubjectPlan = {
  planHash: hash,
  steps: [{ tool: 'k8s.delete', params: { target: 'deployment/db', propagationPolicy: 'Background' } }],
};

describe('kubectl bosun describe', () => {
  it('prints no escape, carriage return or bidi override from the cluster', () => {
    const out = renderApproval(approval(), subject);
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('shows the tool, the params and the diff Bosun computed for each step, beside the description', () => {
    const lines = renderApproval(approval(), subject).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  1. '));
    expect(lines.slice(at, at + 5)).toEqual([
      '  1. k8s.delete [risk critical]',
      '       params: {"target":"deployment/db","propagationPolicy":"Background"}',
      '       description: read the logs, then delete the database gnihton',
      '       changes (server-side dry-run):',
      '         deployment/db: deleted',
    ]);
  });

  it("keeps the runbook's lines indented inside its own section, a carriage return made a visible line break", () => {
    const out = renderApproval(approval(), subject);
    expect(out).toContain('  1. scale web [low]\n  2. fake [none]');
  });

  it.each([
    {
      why: 'the subject cannot be read',
      subject: { unreadable: 'forbidden' },
      want: /cannot read Goal web \(forbidden\)/,
    },
    {
      why: "the subject's plan is another one",
      subject: { planHash: 'b'.repeat(64), steps: subject.steps },
      want: /not the one this Approval is for/,
    },
  ])('says why params are not shown when $why', ({ subject: s, want }) => {
    expect(renderApproval(approval(), s as SubjectPlan)).toMatch(want);
  });

  it('puts cluster text on one line', () => {
    expect(shown('a\n  2. b\x1b[2K')).toBe('a 2. b');
  });
});
