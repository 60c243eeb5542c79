import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClaimRequest, MAX_BODY_BYTES, Report } from './protocol.js';
import { acceptRunnerRequest } from './runner-accept.js';
import { RequestVerifier, signRequest } from './sign.js';

const KEY = randomBytes(32);
const verifier = () => new RequestVerifier({ keyFor: (r) => (r === 'runner-0' || r === 'runner-1' ? KEY : undefined) });

function request(body: string, opts: { runner?: string; method?: string; path?: string } = {}) {
  const runner = opts.runner ?? 'runner-0';
  const path = opts.path ?? '/runner/claim';
  const headers = signRequest(KEY, { method: 'POST', path, runner, body });
  return { method: opts.method ?? 'POST', path, headers, body };
}

describe('acceptRunnerRequest', () => {
  // each case: why, the request, the status and reason it gets (or 200 when accepted)
  const cases: { why: string; req: () => ReturnType<typeof request>; status: number; reason?: string }[] = [
    { why: 'a signed, valid claim', req: () => request('{"runner":"runner-0","free":1}'), status: 200 },
    {
      why: 'a GET',
      req: () => request('{"runner":"runner-0","free":1}', { method: 'GET' }),
      status: 405,
      reason: 'MethodNotAllowed',
    },
    {
      why: 'a body over the limit, refused before the signature is checked',
      req: () => ({ ...request(''), body: 'x'.repeat(MAX_BODY_BYTES + 1) }),
      status: 413,
      reason: 'TooLarge',
    },
    { why: 'unsigned', req: () => ({ ...request('{}'), headers: {} }), status: 401, reason: 'Unsigned' },
    { why: 'signed but not JSON', req: () => request('{not json'), status: 400, reason: 'Malformed' },
    {
      why: 'signed but not a claim',
      req: () => request('{"runner":"runner-0","free":0}'),
      status: 400,
      reason: 'Invalid',
    },
    {
      why: 'runner-1 signing a claim for runner-0',
      req: () => request('{"runner":"runner-0","free":1}', { runner: 'runner-1' }),
      status: 403,
      reason: 'WrongRunner',
    },
  ];

  it.each(cases)('$why → $status', ({ req, status, reason }) => {
    const r = acceptRunnerRequest(verifier(), ClaimRequest, req());
    if (status === 200) expect(r).toEqual({ ok: true, runner: 'runner-0', body: { runner: 'runner-0', free: 1 } });
    else expect(r).toMatchObject({ ok: false, status, body: { reason } });
  });

  it('names the field an invalid body got wrong', () => {
    const body = JSON.stringify({ runner: 'runner-0', id: 'a', state: 'started', startedAt: 'yesterday' });
    const r = acceptRunnerRequest(verifier(), Report, request(body, { path: '/runner/report' }));
    expect(r).toMatchObject({ ok: false, body: { reason: 'Invalid', message: expect.stringMatching(/^startedAt: /) } });
  });

  it('reads a raw Buffer body as node delivers it', () => {
    const body = '{"runner":"runner-0","free":3}';
    const r = acceptRunnerRequest(verifier(), ClaimRequest, { ...request(body), body: Buffer.from(body) });
    expect(r).toMatchObject({ ok: true, body: { free: 3 } });
  });
});
