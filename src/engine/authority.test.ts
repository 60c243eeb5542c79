import { describe, expect, it } from 'vitest';
import type { AccessAttributes, Subject } from '../kube/access.js';
import type { KubeClient } from '../kube/client.js';
import { planningAuthority, requesterForbidden, stepAuthority } from './authority.js';

const scale: AccessAttributes = {
  verb: 'patch',
  group: 'apps',
  resource: 'deployments',
  subresource: 'scale',
  namespace: 'demo',
  name: 'web',
};

/** A client whose SubjectAccessReviews allow exactly the users and groups given. */
function reviewer(allowed: { users?: string[]; groups?: string[] }) {
  const asked: Subject[] = [];
  const client = {
    rest: {
      request: async (req: { body: { spec: { user?: string; groups: string[] } } }) => {
        const { user, groups } = req.body.spec;
        asked.push({ username: user ?? '', groups });
        const ok = (user && allowed.users?.includes(user)) || groups.some((g) => allowed.groups?.includes(g));
        return { status: { allowed: Boolean(ok) } };
      },
    },
  } as unknown as KubeClient;
  return { client, asked };
}

const alice = { username: 'alice', uid: 'a-1', groups: ['developers'] };
const approvers = (users: string[], groups: string[] = []) => ({ users, groups });

describe('planningAuthority', () => {
  it.each([
    {
      why: 'the requester may: her own rights',
      allowed: { users: ['alice'] },
      held: false,
      list: approvers([]),
      required: 1,
      want: { authority: { on: 'requester' } },
    },
    {
      why: 'she may not, and the plan runs without approval: stalled',
      allowed: { users: ['bob'] },
      held: false,
      list: approvers(['bob']),
      required: 1,
      want: { stall: expect.objectContaining({ reason: 'RequesterForbidden' }) },
    },
    {
      why: 'held, and a listed approver may: the approvers carry it',
      allowed: { users: ['bob'] },
      held: true,
      list: approvers(['bob']),
      required: 1,
      want: { authority: expect.objectContaining({ on: 'approvers' }) },
    },
    {
      why: 'held, and a listed group may',
      allowed: { groups: ['sre'] },
      held: true,
      list: approvers([], ['sre']),
      required: 2,
      want: { authority: expect.objectContaining({ on: 'approvers' }) },
    },
    {
      why: 'held, but fewer able approvers than required',
      allowed: { users: ['bob'] },
      held: true,
      list: approvers(['bob', 'carol']),
      required: 2,
      want: { stall: expect.objectContaining({ reason: 'RequesterForbidden' }) },
    },
    {
      why: 'the requester listed as approver does not count for herself',
      allowed: {},
      held: true,
      list: approvers(['alice']),
      required: 1,
      want: { stall: expect.objectContaining({ reason: 'RequesterForbidden' }) },
    },
  ])('$why', async ({ allowed, held, list, required, want }) => {
    const { client } = reviewer(allowed);
    const got = await planningAuthority(client, {
      requester: alice,
      needs: [scale],
      held,
      approvers: list,
      requiredApprovals: required,
    });
    expect(got).toEqual(want);
  });

  it('asks the API server for the requester exactly as stamped (uid and groups too)', async () => {
    const { client, asked } = reviewer({ users: ['alice'] });
    await planningAuthority(client, {
      requester: alice,
      needs: [scale],
      held: false,
      approvers: approvers([]),
      requiredApprovals: 1,
    });
    expect(asked).toEqual([{ username: 'alice', groups: ['developers'] }]);
  });
});

describe('stepAuthority', () => {
  it.each([
    { why: 'the requester may', allowed: { users: ['alice'] }, approved: undefined, ok: true },
    { why: 'she may not and nothing was approved', allowed: {}, approved: undefined, ok: false },
    {
      why: 'an approver who may, through a group stamped on his decision',
      allowed: { groups: ['sre'] },
      approved: { deciders: [{ username: 'bob', groups: ['sre'] }], required: 1 },
      ok: true,
    },
    {
      why: 'approvers who approved but may not',
      allowed: {},
      approved: { deciders: [{ username: 'bob', groups: [] }], required: 1 },
      ok: false,
    },
    {
      why: 'one able approver of two required',
      allowed: { users: ['bob'] },
      approved: {
        deciders: [
          { username: 'bob', groups: [] },
          { username: 'carol', groups: [] },
        ],
        required: 2,
      },
      ok: false,
    },
  ])('$why → runs: $ok', async ({ allowed, approved, ok }) => {
    const { client } = reviewer(allowed);
    const got = await stepAuthority(client, { requester: alice, needs: [scale], approved });
    expect('ok' in got).toBe(ok);
  });
});

describe('requesterForbidden', () => {
  it('names the user, the request and what to grant', () => {
    expect(requesterForbidden('alice', scale, false).message).toBe(
      'alice may not patch deployments/scale.apps web in demo, and Bosun does only what its requester may do: ' +
        'grant it (kubectl create role … --verb=patch --resource=deployments/scale.apps -n demo, bound to alice), ' +
        'or have the RiskPolicy hold such plans for an approver who may',
    );
  });
});
