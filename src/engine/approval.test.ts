import { boundedName } from '../api/v1alpha1/common.js';
import { describe, expect, it } from 'vitest';
import { ApprovalSpec } from '../api/v1alpha1/approval.js';
import { admitted, approvalName, approvalStatus, judge } from './approval.js';

const base = ApprovalSpec.parse({
  subjectRef: { kind: 'Goal', name: 'g' },
  planHash: 'a'.repeat(64),
  steps: [{ index: 0, tool: 'k8s.scale', summary: 's', risk: 'high' }],
  risk: 'high',
  approvers: { users: ['bob', 'carol'] },
  requiredApprovals: 2,
  expiresAt: '2026-01-01T01:00:00Z',
});
const before = new Date('2026-01-01T00:30:00Z');
const after = new Date('2026-01-01T01:00:01Z');
const d = (user: string, decision: 'approve' | 'deny', comment = '') => ({
  user,
  decision,
  comment,
  decidedAt: '2026-01-01T00:10:00Z',
});

describe('judge', () => {
  it.each([
    { why: 'no decisions yet', decisions: [], now: before, want: 'Pending' },
    { why: 'not enough approvals', decisions: [d('bob', 'approve')], now: before, want: 'Pending' },
    { why: 'enough approvals', decisions: [d('bob', 'approve'), d('carol', 'approve')], now: before, want: 'Approved' },
    {
      why: 'one denial outweighs approvals',
      decisions: [d('bob', 'approve'), d('carol', 'deny', 'not on a Friday')],
      now: before,
      want: 'Denied',
    },
    { why: 'past the expiry without enough approvals', decisions: [d('bob', 'approve')], now: after, want: 'Expired' },
    {
      why: 'approved in time stays approved after the expiry',
      decisions: [d('bob', 'approve'), d('carol', 'approve')],
      now: after,
      want: 'Approved',
    },
  ])('$why → $want', ({ decisions, now, want }) => {
    expect(judge({ ...base, decisions }, now).state).toBe(want);
  });

  it('says who decided', () => {
    expect(judge({ ...base, decisions: [d('carol', 'deny', 'not on a Friday')] }, before).message).toBe(
      'denied by carol: not on a Friday',
    );
    expect(judge({ ...base, decisions: [d('bob', 'approve'), d('carol', 'approve')] }, before).status).toMatchObject({
      approvals: 2,
      decidedBy: ['bob', 'carol'],
    });
  });
});

const of = (name: string, uid = 'u-1', planHash = 'f'.repeat(64), planGeneration = 1) => ({
  metadata: { name, uid },
  status: { planHash, planGeneration },
});

describe('admitted', () => {
  const bob = { ...d('bob', 'approve'), groups: ['sre'] };
  const carol = { ...d('carol', 'approve'), groups: [] };
  const spec = { ...base, decisions: [bob, carol] };

  it('counts a decision only as the webhook recorded it, exactly', () => {
    expect(admitted(spec, [carol, bob])).toEqual({ spec, unadmitted: [] });
    // key order does not matter; content does
    expect(admitted(spec, [{ groups: ['sre'], ...d('bob', 'approve') }, carol]).unadmitted).toEqual([]);
  });

  it.each([
    { why: 'nothing recorded (written past the webhook)', recorded: [] },
    { why: 'recorded with other groups', recorded: [{ ...bob, groups: ['sre', 'admins'] }, carol] },
    { why: 'recorded at another time', recorded: [{ ...bob, decidedAt: '2026-01-01T00:11:00Z' }, carol] },
    { why: 'recorded as a denial', recorded: [{ ...bob, decision: 'deny' as const }, carol] },
  ])('does not count a decision $why', ({ recorded }) => {
    const r = admitted(spec, recorded);
    expect(r.unadmitted.map((x) => x.user)).toContain('bob');
    expect(r.spec.decisions.map((x) => x.user)).not.toContain('bob');
    expect(judge(r.spec, before).state).toBe('Pending');
  });
});

describe('approvalName', () => {
  it('is deterministic per Goal, plan and generation', () => {
    expect(approvalName(of('scale-web'))).toMatch(/^scale-web-[0-9a-f]{10}$/);
    expect(approvalName(of('scale-web'))).toBe(approvalName(of('scale-web')));
  });
  it.each([
    { why: 'the same name made again (a new UID)', other: of('scale-web', 'u-2') },
    { why: 'another plan', other: of('scale-web', 'u-1', 'e'.repeat(64)) },
    { why: 'the same plan in a later generation', other: of('scale-web', 'u-1', 'f'.repeat(64), 3) },
  ])('asks for a new Approval for $why', ({ other }) => {
    expect(approvalName(other)).not.toBe(approvalName(of('scale-web')));
  });
});

describe('names derived from the longest valid names', () => {
  const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  // 253 characters (the longest a name may be), with a '-' or '.' exactly where a cut would fall
  const longest = [
    'a'.repeat(253),
    `${'a'.repeat(53)}-${'b'.repeat(199)}`,
    `${'a'.repeat(53)}.${'b'.repeat(199)}`,
    `${'a'.repeat(232)}.-${'b'.repeat(19)}`.replace('.-', '.x'),
    `${'a'.repeat(62)}-${'b'.repeat(190)}`,
    `${'ab.'.repeat(84)}a`,
  ];
  it.each(longest.map((n) => [n.length, n]))(
    'a %i-character Goal name gives a valid Approval name and label',
    (_l, n) => {
      expect(n).toMatch(dnsSubdomain);
      const name = approvalName(of(n));
      expect(name.length).toBeLessThanOrEqual(253);
      expect(name).toMatch(dnsSubdomain);
      const label = boundedName(n, 63);
      expect(label.length).toBeLessThanOrEqual(63);
      expect(label).toMatch(labelValue);
      expect(approvalName(of(n))).toBe(name); // deterministic: a repeated create is a no-op
    },
  );
});

describe('approvalStatus', () => {
  const approval = (status?: Parameters<typeof approvalStatus>[0]['status'], generation = 2) => ({
    metadata: { generation },
    status,
  });
  const brief = (s: ReturnType<typeof approvalStatus>) => s.conditions?.map((c) => [c.type, c.status, c.reason]);

  it('Pending is in progress: Reconciling and not Ready, AwaitingApproval, with observedGeneration', () => {
    const s = approvalStatus(approval(), { state: 'Pending', approvals: 0 }, '0/2 approval(s) so far', before);
    expect(s).toMatchObject({ state: 'Pending', approvals: 0, observedGeneration: 2 });
    expect(brief(s)).toEqual([
      ['Reconciling', 'True', 'AwaitingApproval'],
      ['Ready', 'False', 'AwaitingApproval'],
    ]);
  });

  it.each([
    { state: 'Approved' as const, want: [['Ready', 'True', 'Approved']] },
    {
      state: 'Denied' as const,
      want: [
        ['Ready', 'False', 'ApprovalDenied'],
        ['Stalled', 'True', 'ApprovalDenied'],
      ],
    },
    {
      state: 'Expired' as const,
      want: [
        ['Ready', 'False', 'ApprovalExpired'],
        ['Stalled', 'True', 'ApprovalExpired'],
      ],
    },
    { state: 'Superseded' as const, want: [['Superseded', 'True', 'Superseded']] },
  ])('$state after Pending: $want', ({ state, want }) => {
    const pending = approvalStatus(approval(), { state: 'Pending' }, 'waiting', before);
    const s = approvalStatus(approval(pending, 3), { state }, `${state} by bob`, after);
    expect(brief(s)).toEqual(want);
    expect(s.observedGeneration).toBe(3);
    expect(s.conditions?.[0]?.message).toBe(`${state} by bob`);
  });

  it('is a fixed point, so an unchanged Approval is not written again', () => {
    const first = approvalStatus(approval(), { state: 'Pending', approvals: 1 }, '1/2', before);
    expect(approvalStatus(approval(first), { state: 'Pending', approvals: 1 }, '1/2', after)).toEqual(first);
  });
});
