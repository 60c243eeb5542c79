import { describe, expect, it } from 'vitest';
import { identities } from '../../../hack/control-plane/identities.js';
import { bosunUsers, etcdKind, goalChange, requestKind, type AuditEntry } from './e2e-count.js';

const ns = 'e2e-bench';
const users = bosunUsers(ns);
const bosun = identities.operator.user;
const executor = `system:serviceaccount:${ns}:bosun-executor`;
const entry = (verb: string, user: string, objectRef: AuditEntry['objectRef'], requestURI = '/x'): AuditEntry => ({
  stage: 'ResponseComplete',
  verb,
  user: { username: user },
  objectRef,
  requestURI,
});

describe('requestKind', () => {
  it.each([
    ['a review of the requester', entry('create', bosun, { resource: 'subjectaccessreviews' }), 'subjectaccessreview'],
    [
      'an executor token',
      entry('create', bosun, { resource: 'serviceaccounts', subresource: 'token', namespace: ns }),
      'tokenrequest',
    ],
    [
      'a status write',
      entry('patch', bosun, { resource: 'goals', subresource: 'status', namespace: ns }),
      'goal status',
    ],
    ['the finalizer', entry('update', bosun, { resource: 'goals', namespace: ns, name: 'g' }), 'goal finalizer'],
    [
      'the scale, as the executor',
      entry('patch', executor, { resource: 'deployments', subresource: 'scale', namespace: ns, name: 'web' }),
      'tool write',
    ],
    [
      "the preflight's dry-run",
      entry('patch', executor, { resource: 'deployments', namespace: ns, name: 'web' }, '/apis/x?dryRun=All'),
      'tool dry-run',
    ],
    ['a read of the target', entry('get', bosun, { resource: 'deployments', namespace: ns, name: 'web' }), 'tool read'],
    ['an Event', entry('create', bosun, { resource: 'events', namespace: ns }), 'event'],
    ['the namespace read', entry('get', bosun, { resource: 'namespaces', name: ns }), 'other'],
  ])('%s', (_why, e, kind) => {
    expect(requestKind(e, users, ns)).toBe(kind);
  });

  it("leaves out others' requests, other namespaces' and requests not complete", () => {
    expect(requestKind(entry('create', 'alice', { resource: 'goals', namespace: ns }), users, ns)).toBeUndefined();
    expect(requestKind(entry('get', bosun, { resource: 'deployments', namespace: 'x' }), users, ns)).toBeUndefined();
    const started = { ...entry('watch', bosun, { resource: 'goals' }), stage: 'ResponseStarted' };
    expect(requestKind(started, users, ns)).toBeUndefined();
  });
});

describe('etcdKind', () => {
  it.each([
    ['/bosun/v1/journal/uid/hash@1/000/001', 'journal'],
    ['/bosun/v1/steps/uid/hash@1/000', 'step record'],
    ['/bosun/v1/snapshots/Goal/ns/g', 'snapshot'],
    ['/bosun/v1/actions/Goal/ns/g/1', 'action log'],
    ['/bosun/v1/changes/ns/deployments.apps/web', 'change index'],
    ['/bosun/v1/leader/epoch', 'leader'],
    ['/elsewhere', 'other'],
  ])('%s is a %s put', (key, kind) => {
    expect(etcdKind(key)).toBe(kind);
  });
});

describe('goalChange', () => {
  const goal = (phase?: string, states: string[] = [], finalizers?: string[]) => ({
    metadata: { finalizers },
    ...(phase && { status: { phase, plan: { steps: states.map((state) => ({ state })) } } }),
  });
  it('names a change by the phase and step states on either side', () => {
    expect(goalChange(goal(), goal('Executing', ['Pending', 'Pending']))).toBe(
      '(no status) [] → Executing [Pending, Pending]',
    );
    expect(goalChange(goal('Executing', ['Succeeded', 'Running']), goal('Succeeded', ['Succeeded', 'Succeeded']))).toBe(
      'Executing [Succeeded, Running] → Succeeded [Succeeded, Succeeded]',
    );
  });
  it('says when a write kept both, and when it was the finalizer', () => {
    const running = goal('Executing', ['Succeeded', 'Running']);
    expect(goalChange(running, running)).toBe('Executing [Succeeded, Running] kept (messages, conditions)');
    expect(goalChange(goal(), goal(undefined, [], ['bosun.dev/cleanup']))).toBe('finalizers changed');
  });
});
