import { describe, expect, it } from 'vitest';
import { BosunError } from '../api/errors.js';
import { KubeApiError } from '../kube/errors.js';
import { refusedWrite } from './refused.js';

const api = (code: number, message: string) =>
  new KubeApiError(code === 422 ? 'BOSUN_ERR_KUBE_INVALID' : 'BOSUN_ERR_KUBE_REQUEST', code, { message }, message);

describe('refusedWrite', () => {
  it.each([
    { why: 'an invalid object', err: api(422, 'spec.runbook: Too long'), says: /fix what the message names/ },
    { why: "Bosun's RBAC", err: api(403, 'cannot create resource "approvals"'), says: /grant Bosun's ServiceAccount/ },
    {
      why: 'a quota',
      err: api(403, 'approvals.bosun.dev "x" is forbidden: exceeded quota: no-approvals'),
      says: /fix what the message names \(a quota/,
    },
    {
      why: 'a namespace being deleted',
      err: api(403, 'unable to create new content in namespace x because it is being terminated'),
      says: /the namespace is being deleted/,
    },
    {
      why: 'a refusal wrapped in a tool error',
      err: new BosunError('BOSUN_ERR_TOOL_FAILED', 'x', { cause: api(400, 'bad request') }),
      says: /400: bad request/,
    },
  ])('ends $why in RequestRejected', ({ err, says }) => {
    expect(refusedWrite(err)).toMatchObject({ reason: 'RequestRejected', message: expect.stringMatching(says) });
  });

  it.each([
    { why: 'a conflict', err: api(409, 'the object has been modified') },
    { why: 'an unavailable API server', err: api(503, 'etcd leader changed') },
    { why: 'too many requests', err: api(429, 'slow down') },
    { why: 'no answer at all', err: new KubeApiError('BOSUN_ERR_KUBE_UNAVAILABLE', 0, undefined, 'ECONNREFUSED') },
    { why: 'a bug', err: new TypeError('x is undefined') },
  ])('retries $why', ({ err }) => {
    expect(refusedWrite(err)).toBeUndefined();
  });
});
