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

  const bobs = { ...approve('bob'), decidedAt: '2026-01-01T00:10:00Z', groups: [] };
  const carols = { ...approve('carol'), decidedAt: '2026-01-01T00:10:00Z', groups: ['sre'] };
  const edit = (user: string, groups: string[], next: object, old: object = spec()): AdmissionRequest => ({
    ...update(user, groups, []),
    object: { metadata: { name: 'a' }, spec: next },
    oldObject: { metadata: { name: 'a' }, spec: old },
  });
  const create = (user: string, s: unknown): AdmissionRequest => ({
    ...update(user, [], []),
    operation: 'CREATE',
    object: { metadata: { name: 'a' }, spec: s },
    oldObject: undefined,
  });
  it.each([
    // every decision new in an update is judged, wherever it stands
    {
      why: "bob's own decision first, a forged one for carol after it: two at once",
      req: update('bob', [], [approve('bob'), approve('carol')]),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    {
      why: 'a forged decision inserted before the existing one, which looks like the newest',
      req: update('carol', ['sre'], [approve('bob'), carols], [carols]),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    {
      why: 'existing decisions reordered',
      req: update('dave', ['sre'], [carols, bobs], [bobs, carols]),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    {
      why: 'an existing decision replaced by your own (same length)',
      req: update('bob', [], [approve('bob')], [carols]),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    {
      why: 'an existing decision removed',
      req: update('bob', [], [], [carols]),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    {
      why: 'a second decision by the same approver (the CRD says so too)',
      req: update('bob', [], [bobs, { ...approve('bob'), decision: 'deny' }], [bobs]),
      code: 'BOSUN_ERR_APPROVAL_FORGED',
    },
    // what Bosun cannot read is refused
    {
      why: 'a decision without a verdict',
      req: update('bob', [], [{ user: 'bob' }]),
      code: 'BOSUN_ERR_ADMISSION_UNREADABLE',
      says: /spec\.decisions\[0\]\.decision:/,
    },
    {
      why: 'a decision with a lower-case timestamp',
      req: update('bob', [], [{ ...approve('bob'), decidedAt: '2026-01-01t00:00:00z' }]),
      code: 'BOSUN_ERR_ADMISSION_UNREADABLE',
      says: /spec\.decisions\[0\]\.decidedAt: must be an RFC 3339 time/,
    },
    {
      why: 'decisions that are not a list',
      req: edit('bob', [], { ...spec(), decisions: { bob: 'approve' } }),
      code: 'BOSUN_ERR_ADMISSION_UNREADABLE',
      says: /spec\.decisions:/,
    },
    {
      why: 'a stored Approval Bosun cannot read takes no decision',
      req: edit('bob', [], spec([approve('bob')]), { ...spec(), expiresAt: 'soon' }),
      code: 'BOSUN_ERR_ADMISSION_UNREADABLE',
      says: /spec\.expiresAt/,
    },
    // everything but the appended decisions is immutable
    {
      why: 'the runbook changed with a decision',
      req: edit('bob', [], { ...spec([approve('bob')]), runbook: 'nothing to undo' }),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
      says: /spec\.runbook is immutable/,
    },
    {
      why: 'the reasons emptied, without a decision',
      req: edit('bob', [], spec(), { ...spec(), reasons: ['protected namespace'] }),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
      says: /spec\.reasons is immutable/,
    },
    {
      why: 'an authority added where there was none',
      req: edit('bob', [], { ...spec(), authority: 'the approvers' }),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
      says: /spec\.authority is immutable/,
    },
    {
      why: 'the requester removed, so that the requester may approve',
      req: edit('alice', [], { ...spec([approve('alice')]), requester: undefined }),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
      says: /spec\.requester is immutable/,
    },
    {
      why: 'the runbook changed by Bosun itself',
      req: edit(OPERATOR, [], { ...spec(), runbook: 'rewritten' }, { ...spec(), runbook: 'original' }),
      code: 'BOSUN_ERR_APPROVAL_EDITED',
    },
    // created with decisions, whoever creates it
    {
      why: 'Bosun creates one with a decision',
      req: create(OPERATOR, spec([approve('bob')])),
      code: 'BOSUN_ERR_APPROVAL_FORGED',
    },
    {
      why: 'Bosun creates one with a malformed decisions field',
      req: create(OPERATOR, { ...spec(), decisions: { bob: 'approve' } }),
      code: 'BOSUN_ERR_APPROVAL_FORGED',
    },
    {
      why: 'an approver creates one with their decision',
      req: create('bob', spec([approve('bob')])),
      code: 'BOSUN_ERR_APPROVAL_FORGED',
    },
    {
      why: 'Bosun creates one it cannot read',
      req: create(OPERATOR, { ...spec(), expiresAt: '2026-02-30T00:00:00Z' }),
      code: 'BOSUN_ERR_ADMISSION_UNREADABLE',
      says: /spec\.expiresAt: must be a day of the calendar/,
    },
  ])('refuses $why', ({ req, code, says }) => {
    const r = reviewApproval(req, { operatorUser: OPERATOR, now });
    expect(r).toMatchObject({ allowed: false, code });
    if (says) expect(r.allowed ? '' : r.message).toMatch(says);
  });

  it('appends after earlier decisions, stamping the new one only', () => {
    const r = reviewApproval(update('carol', ['sre'], [bobs, approve('carol')], [bobs]), {
      operatorUser: OPERATOR,
      now,
    });
    expect(r).toEqual({
      allowed: true,
      patch: [
        { op: 'add', path: '/spec/decisions/1/decidedAt', value: '2026-01-01T00:30:00Z' },
        { op: 'add', path: '/spec/decisions/1/groups', value: ['sre'] },
      ],
    });
  });

  it('lets metadata change on an Approval it could not read (finalizers, labels)', () => {
    const old = { ...spec(), expiresAt: 'soon' };
    expect(reviewApproval(edit('bob', [], old, old), { operatorUser: OPERATOR, now })).toEqual({ allowed: true });
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

  describe('the validating call', () => {
    const stamped = (user: string, groups: string[]) => ({
      ...approve(user),
      decidedAt: '2026-01-01T00:29:59Z',
      groups,
    });
    const validating = (req: AdmissionRequest) =>
      reviewApproval(
        { ...req, object: req.object && { ...req.object, metadata: { name: 'a', uid: 'approval-uid' } } },
        { operatorUser: OPERATOR, now, validating: true },
      );
    const withSubject = (req: AdmissionRequest): AdmissionRequest => {
      const object = req.object as { spec: ReturnType<typeof spec> };
      const old = req.oldObject as { spec: ReturnType<typeof spec> };
      const subjectRef = { kind: 'Goal', name: 'g', uid: 'goal-uid' };
      return {
        ...req,
        object: { metadata: { name: 'a' }, spec: { ...object.spec, subjectRef } },
        oldObject: { metadata: { name: 'a' }, spec: { ...old.spec, subjectRef } },
      };
    };

    it('admits the decision as it will be stored, under its Approval and subject, to be recorded', () => {
      const decision = stamped('carol', ['sre']);
      expect(validating(withSubject(update('carol', ['sre'], [decision])))).toEqual({
        allowed: true,
        admitted: {
          ref: { subjectUid: 'goal-uid', approvalUid: 'approval-uid' },
          decision: { ...decision, comment: '' },
        },
      });
    });

    it.each([
      { why: 'without the time the mutating call stamps', d: { ...approve('carol'), groups: ['sre'] } },
      { why: 'without the groups', d: { ...approve('carol'), decidedAt: '2026-01-01T00:29:59Z' } },
      { why: 'with groups the API server did not say', d: stamped('carol', ['sre', 'system:masters']) },
    ])('refuses a decision $why (the mutating webhook did not run)', ({ d }) => {
      const r = validating(update('carol', ['sre'], [d]));
      expect(r).toMatchObject({ allowed: false, code: 'BOSUN_ERR_APPROVAL_FORGED' });
      expect(r.allowed ? '' : r.message).toMatch(/MutatingWebhookConfiguration registered/);
    });

    it('admits nothing when no decision is added', () => {
      expect(validating(update(OPERATOR, [], []))).toEqual({ allowed: true });
    });
  });

  it('lets Bosun create Approvals and write other fields', () => {
    expect(reviewApproval(create(OPERATOR, spec()), { operatorUser: OPERATOR, now }).allowed).toBe(true);
    expect(reviewApproval(update(OPERATOR, [], []), { operatorUser: OPERATOR, now }).allowed).toBe(true);
  });
});

describe('reviewRequested', () => {
  const specs: Record<string, object> = {
    Goal: { mode: 'auto', intent: { type: 'scale', target: 'deployment/web', replicas: 3 } },
    PipelineRun: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
    Remediation: {
      issue: { source: 'alert', fingerprint: 'f1', summary: 'pod crash-looping' },
      targetRef: { kind: 'Deployment', name: 'web' },
    },
  };
  const obj = (requester?: unknown, kind = 'Goal', extra: object = {}) => ({
    metadata: { name: 'g' },
    spec: { ...specs[kind], requester, ...extra },
  });
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
      expect(reviewRequested(req(kind, 'CREATE', 'alice', obj(typed, kind)), OPERATOR)).toEqual({
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
    const r = reviewRequested(req('PipelineRun', 'CREATE', OPERATOR, obj(typed, 'PipelineRun')), OPERATOR);
    expect(r).toEqual(allowed ? { allowed: true } : expect.objectContaining({ allowed: false }));
  });

  it.each([
    {
      why: 'a Goal whose mode Bosun does not know',
      r: req('Goal', 'CREATE', 'alice', obj(undefined, 'Goal', { mode: 'yolo' })),
      at: /spec\.mode:/,
    },
    {
      why: 'a Goal whose spec is not an object (the stamped requester alone would read)',
      r: { ...req('Goal', 'CREATE', 'alice', obj()), object: { metadata: { name: 'g' }, spec: 'scale web' } },
      at: /spec: /,
    },
    {
      why: 'a Remediation without its issue',
      r: req('Remediation', 'CREATE', 'alice', obj(undefined, 'Remediation', { issue: undefined })),
      at: /spec\.issue:/,
    },
    {
      why: 'a PipelineRun Bosun creates for a trigger, with a branch for a revision',
      r: req('PipelineRun', 'CREATE', OPERATOR, obj(trigger, 'PipelineRun', { revision: 'main' })),
      at: /spec\.revision: must be a git commit SHA/,
    },
    {
      why: 'an update that keeps the requester but breaks the spec',
      r: req('Goal', 'UPDATE', 'alice', obj(alice, 'Goal', { mode: 'yolo' }), obj(alice)),
      at: /spec\.mode:/,
    },
    {
      why: 'an update that leaves the requester out and breaks the spec',
      r: req('Goal', 'UPDATE', 'bob', obj(undefined, 'Goal', { mode: 'yolo' }), obj(alice)),
      at: /spec\.mode:/,
    },
  ])('refuses what it cannot read: $why', ({ r, at }) => {
    const review = reviewRequested(r, OPERATOR);
    expect(review).toMatchObject({ allowed: false, code: 'BOSUN_ERR_ADMISSION_UNREADABLE' });
    expect(review.allowed ? '' : review.message).toMatch(at);
  });

  it('reads the spec with the requester it stamps, not the one typed', () => {
    expect(reviewRequested(req('Goal', 'CREATE', 'alice', obj({ username: '' })), OPERATOR).allowed).toBe(true);
  });
});
