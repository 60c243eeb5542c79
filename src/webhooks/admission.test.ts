import { describe, expect, it } from 'vitest';
import { reviewApproval, reviewGoal, type AdmissionRequest } from './admission.js';

const OPERATOR = 'system:serviceaccount:bosun-system:bosun';
const now = new Date('2026-01-01T00:30:00Z');
const spec = (decisions: unknown[] = []) => ({
  subjectRef: { kind: 'Goal', name: 'g' },
  requester: 'alice',
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
  ])('allows $why, stamping the time of the decision', ({ req }) => {
    const r = reviewApproval(req, { operatorUser: OPERATOR, now });
    expect(r).toEqual({
      allowed: true,
      patch: [{ op: 'add', path: '/spec/decisions/0/decidedAt', value: '2026-01-01T00:30:00Z' }],
    });
  });

  it('lets Bosun create Approvals and write other fields', () => {
    expect(
      reviewApproval({ ...update(OPERATOR, [], []), operation: 'CREATE' }, { operatorUser: OPERATOR, now }).allowed,
    ).toBe(true);
    expect(reviewApproval(update(OPERATOR, [], []), { operatorUser: OPERATOR, now }).allowed).toBe(true);
  });
});

describe('reviewGoal', () => {
  const goal = (annotations?: Record<string, string>) => ({ metadata: { name: 'g', annotations } });
  it('stamps the requester from userInfo, over whatever was typed', () => {
    expect(
      reviewGoal({
        uid: 'u',
        operation: 'CREATE',
        userInfo: { username: 'alice' },
        kind: { kind: 'Goal' },
        object: goal({ 'bosun.dev/requester': 'bob' }),
      }),
    ).toEqual({
      allowed: true,
      patch: [{ op: 'add', path: '/metadata/annotations/bosun.dev~1requester', value: 'alice' }],
    });
    expect(
      reviewGoal({
        uid: 'u',
        operation: 'CREATE',
        userInfo: { username: 'alice' },
        kind: { kind: 'Goal' },
        object: goal(),
      }),
    ).toEqual({
      allowed: true,
      patch: [{ op: 'add', path: '/metadata/annotations', value: { 'bosun.dev/requester': 'alice' } }],
    });
  });
  it('refuses a change of the requester', () => {
    const r = reviewGoal({
      uid: 'u',
      operation: 'UPDATE',
      userInfo: { username: 'alice' },
      kind: { kind: 'Goal' },
      object: goal({ 'bosun.dev/requester': 'bob' }),
      oldObject: goal({ 'bosun.dev/requester': 'alice' }),
    });
    expect(r.allowed).toBe(false);
  });
});
