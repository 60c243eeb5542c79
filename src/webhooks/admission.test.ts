import { describe, expect, it } from 'vitest';
import { reviewApproval, reviewRequested, type AdmissionRequest } from './admission.js';

const OPERATOR = 'system:serviceaccount:bosun-system:bosun';
const now = new Date('2026-01-01T00:30:00Z');
const spec = (decisions: unknown[] = []) => ({
  subjectRef: { kind: 'Goal', name: 'g' },
  requester: { username: 'alice', groups: ['developers'] },
  planHash: 'a'.repeat(64),
  steps: [{ index: 0, tool: 'k8s.scale', summary: 's', risk: 'high' }],
  risk: 'high',
  approvers: { users: ['bob', 'alice'], groups: ['sre'] },
  requiredApprovals: 1,
  expiresAt: '2026-01-01T01:00:00Z',
  decisions,
});
const update = (
  user: string,
  groups: string[],
  decisions: unknown[],
  old: unknown[] = [],
  status?: unknown,
): AdmissionRequest => ({
  uid: 'u',
  operation: 'UPDATE',
  userInfo: { username: user, groups },
  kind: { kind: 'Approval' },
  object: { metadata: { name: 'a' }, spec: spec(decisions) },
  oldObject: { metadata: { name: 'a' }, spec: spec(old), status },
});
const approve = (user: string) => ({ user, decision: 'approve', comment: '' });

describe('reviewApproval', () => {
  it.each([
    {
      rule: '1: not listed',
      req: update('mallory', ['developers'], [approve('mallory')]),
      says: /mallory is not an approver/,
    },
    {
      rule: '2: not your own',
      req: update('bob', [], [approve('alice')]),
      says: /a decision must be your own: you are bob/,
    },
    {
      rule: '4: the requester',
      req: update('alice', [], [approve('alice')]),
      says: /alice asked for this Goal and cannot approve it/,
    },
    { rule: '5: Bosun itself', req: update(OPERATOR, [], [approve(OPERATOR)]), says: /Bosun's own identity/ },
    {
      rule: '6: after expiry',
      req: {
        ...update('bob', [], [approve('bob')]),
        object: { metadata: { name: 'a' }, spec: { ...spec([approve('bob')]), expiresAt: '2026-01-01T00:00:00Z' } },
        oldObject: { metadata: { name: 'a' }, spec: { ...spec([]), expiresAt: '2026-01-01T00:00:00Z' } },
      },
      says: /expired at/,
    },
    { rule: 'superseded', req: update('bob', [], [approve('bob')], [], { state: 'Superseded' }), says: /superseded/ },
    { rule: 'two at once', req: update('bob', [], [approve('bob'), approve('carol')]), says: /one decision at a time/ },
    {
      rule: 'forged creation',
      req: { ...update('bob', [], []), operation: 'CREATE' as const },
      says: /created by Bosun/,
    },
  ])('rejects rule $rule', ({ req, says }) => {
    const r = reviewApproval(req, { operatorUser: OPERATOR, now });
    expect(r.allowed).toBe(false);
    expect(r.allowed ? '' : r.message).toMatch(says);
  });

  it.each([
    { why: 'a listed user, as themselves', req: update('bob', [], [approve('bob')]) },
    { why: 'a member of a listed group', req: update('carol', ['sre'], [approve('carol')]) },
  ])('allows $why, stamping the time and groups of the decision from the API server', ({ req }) => {
    const r = reviewApproval(req, { operatorUser: OPERATOR, now });
    expect(r).toEqual({
      allowed: true,
      patch: [
        { op: 'add', path: '/spec/decisions/0/decidedAt', value: '2026-01-01T00:30:00Z' },
        { op: 'add', path: '/spec/decisions/0/groups', value: req.userInfo.groups },
      ],
    });
  });

  it('lets Bosun create Approvals and write other fields', () => {
    expect(
      reviewApproval({ ...update(OPERATOR, [], []), operation: 'CREATE' }, { operatorUser: OPERATOR, now }).allowed,
    ).toBe(true);
    expect(reviewApproval(update(OPERATOR, [], []), { operatorUser: OPERATOR, now }).allowed).toBe(true);
  });
});

describe('reviewRequested', () => {
  const obj = (requester?: unknown) => ({ metadata: { name: 'g' }, spec: { mode: 'auto', requester } });
  const req = (
    kind: string,
    operation: 'CREATE' | 'UPDATE',
    username: string,
    object: ReturnType<typeof obj>,
    oldObject?: ReturnType<typeof obj>,
  ): AdmissionRequest => ({
    uid: 'u',
    operation,
    userInfo: { username, uid: `${username}-uid`, groups: ['developers'] },
    kind: { kind },
    object,
    oldObject,
  });
  const alice = { username: 'alice', uid: 'alice-uid', groups: ['developers'] };
  const trigger = { username: 'system:serviceaccount:ci:pusher', groups: [] };

  it.each(['Goal', 'Remediation', 'PipelineRun'])('stamps a %s with userInfo, over whatever was typed', (kind) => {
    for (const typed of [undefined, { username: 'bob', groups: ['sre'] }, 'garbage']) {
      expect(reviewRequested(req(kind, 'CREATE', 'alice', obj(typed)), OPERATOR)).toEqual({
        allowed: true,
        patch: [{ op: 'add', path: '/spec/requester', value: alice }],
      });
    }
  });

  it.each([
    { why: 'a change of user', object: obj({ ...alice, username: 'bob' }), allowed: false },
    { why: 'an added group', object: obj({ ...alice, groups: ['developers', 'system:masters'] }), allowed: false },
    { why: 'a changed uid', object: obj({ ...alice, uid: 'other' }), allowed: false },
    { why: 'garbage', object: obj('root'), allowed: false },
    { why: 'the same requester', object: obj(alice), allowed: true },
  ])('on update: $why → allowed $allowed', ({ object, allowed }) => {
    const r = reviewRequested(req('Goal', 'UPDATE', 'alice', object, obj(alice)), OPERATOR);
    expect(r.allowed).toBe(allowed);
    if (!r.allowed) expect(r.message).toMatch(/spec.requester is set by the API server/);
  });

  it('gives the requester back to an update that leaves it out (kubectl apply, GitOps)', () => {
    expect(reviewRequested(req('Goal', 'UPDATE', 'bob', obj(), obj(alice)), OPERATOR)).toEqual({
      allowed: true,
      patch: [{ op: 'add', path: '/spec/requester', value: alice }],
    });
  });

  it.each([
    { why: "the trigger's identity is kept", typed: trigger, allowed: true },
    { why: 'no identity is refused', typed: undefined, allowed: false },
    { why: "Bosun's own identity is refused", typed: { username: OPERATOR, groups: [] }, allowed: false },
    { why: 'garbage is refused', typed: { user: 'x' }, allowed: false },
  ])('objects Bosun creates for a trigger: $why', ({ typed, allowed }) => {
    const r = reviewRequested(req('PipelineRun', 'CREATE', OPERATOR, obj(typed)), OPERATOR);
    expect(r).toEqual(allowed ? { allowed: true } : expect.objectContaining({ allowed: false }));
  });
});
