import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { RequestVerifier, SIGNATURE_HEADERS, signRequest, type VerifiableRequest } from './sign.js';

const KEY = randomBytes(32);
const OTHER_KEY = randomBytes(32);
const T0 = 1_900_000_000_000;
const body = JSON.stringify({ runner: 'runner-0', free: 2 });
const base = { method: 'POST', path: '/runner/claim', runner: 'runner-0', body };

let counter = 0;
/** Distinct, predictable nonces: the test names which request reuses which. */
const nonceOf = (n: number) => () => Buffer.from(n.toString(16).padStart(32, '0'), 'hex');
const freshNonce = () => nonceOf(++counter);

function verifier(now: () => number = () => T0, maxNonces?: number) {
  return new RequestVerifier({
    keyFor: (r) => (r === 'runner-0' || r === 'runner-1' ? KEY : undefined),
    now,
    ...(maxNonces !== undefined && { maxNonces }),
  });
}

function signed(over: Partial<typeof base> = {}, key = KEY, at = T0, nonce = freshNonce()): VerifiableRequest {
  const req = { ...base, ...over };
  return { method: req.method, path: req.path, body: req.body, headers: signRequest(key, req, at, nonce) };
}

describe('RequestVerifier', () => {
  // each case: why, the request as the operator receives it, the verdict
  const cases: { why: string; req: () => VerifiableRequest; reason: string | null; status?: number }[] = [
    { why: 'a request signed with the runner key', req: () => signed(), reason: null },
    {
      why: 'header names in lower case, as node delivers them',
      req: () => {
        const r = signed();
        return { ...r, headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v])) };
      },
      reason: null,
    },
    {
      why: 'no signature headers at all',
      req: () => ({ ...signed(), headers: {} }),
      reason: 'Unsigned',
      status: 401,
    },
    { why: 'signed with another key', req: () => signed({}, OTHER_KEY), reason: 'BadSignature', status: 401 },
    {
      why: 'the body changed after signing',
      req: () => ({ ...signed(), body: body.replace('2', '64') }),
      reason: 'BadSignature',
    },
    { why: 'another path', req: () => ({ ...signed(), path: '/runner/report' }), reason: 'BadSignature' },
    { why: 'another method', req: () => ({ ...signed(), method: 'PUT' }), reason: 'BadSignature' },
    {
      why: 'the runner header swapped for another known runner',
      req: () => {
        const r = signed();
        return { ...r, headers: { ...r.headers, [SIGNATURE_HEADERS.runner]: 'runner-1' } };
      },
      reason: 'BadSignature',
    },
    {
      why: 'a runner the operator has no key for',
      req: () => signed({ runner: 'stranger' }),
      reason: 'UnknownRunner',
      status: 401,
    },
    { why: 'a timestamp 31 s old', req: () => signed({}, KEY, T0 - 31_000), reason: 'Late', status: 401 },
    { why: 'a timestamp 31 s ahead', req: () => signed({}, KEY, T0 + 31_000), reason: 'Late' },
    { why: 'a timestamp 29 s old is in the window', req: () => signed({}, KEY, T0 - 29_000), reason: null },
    {
      why: 'a signature that is not sha256=hex',
      req: () => {
        const r = signed();
        return { ...r, headers: { ...r.headers, [SIGNATURE_HEADERS.signature]: 'md5=abc' } };
      },
      reason: 'Malformed',
      status: 400,
    },
    {
      why: 'a nonce shorter than 16 bytes',
      req: () => signed({}, KEY, T0, () => Buffer.alloc(8, 1)),
      reason: 'Malformed',
    },
    {
      why: 'a signature without the other headers',
      req: () => {
        const r = signed();
        return { ...r, headers: { [SIGNATURE_HEADERS.signature]: r.headers[SIGNATURE_HEADERS.signature] } };
      },
      reason: 'Malformed',
    },
    {
      why: 'a body larger than MAX_BODY_BYTES',
      req: () => signed({ body: 'x'.repeat(256 * 1024 + 1) }),
      reason: 'Malformed',
    },
  ];

  it.each(cases)('$why → $reason', ({ req, reason, status }) => {
    const v = verifier();
    const r = v.verify(req());
    if (reason === null) expect(r).toEqual({ ok: true, runner: 'runner-0' });
    else expect(r).toMatchObject({ ok: false, reason, ...(status !== undefined && { status }) });
  });

  it('never puts the key or the expected signature in a refusal', () => {
    const v = verifier();
    const good = signed();
    const forged = {
      ...good,
      headers: { ...good.headers, [SIGNATURE_HEADERS.signature]: `sha256=${'0'.repeat(64)}` },
    };
    const r = v.verify(forged);
    expect(r.ok).toBe(false);
    const text = JSON.stringify(r);
    expect(text).not.toContain(KEY.toString('hex'));
    expect(text).not.toContain(good.headers[SIGNATURE_HEADERS.signature]!.slice('sha256='.length));
  });

  it('refuses the same nonce twice from one runner, as a replay', () => {
    const v = verifier();
    const req = signed();
    expect(v.verify(req).ok).toBe(true);
    expect(v.verify(req)).toMatchObject({ ok: false, status: 401, reason: 'Replayed' });
  });

  it('keeps nonces per runner', () => {
    const v = verifier();
    const nonce = nonceOf(0xabc);
    expect(v.verify(signed({}, KEY, T0, nonce)).ok).toBe(true);
    expect(v.verify(signed({ runner: 'runner-1' }, KEY, T0, nonce))).toEqual({ ok: true, runner: 'runner-1' });
  });

  it('does not remember the nonce of a forged request: the real one with that nonce still passes', () => {
    const v = verifier();
    const nonce = nonceOf(0xf00);
    const forged = signed({}, OTHER_KEY, T0, nonce);
    expect(v.verify(forged)).toMatchObject({ reason: 'BadSignature' });
    expect(v.rememberedNonces).toBe(0);
    expect(v.verify(signed({}, KEY, T0, nonce)).ok).toBe(true);
  });

  it('does not remember the nonce of a late request', () => {
    const v = verifier();
    expect(v.verify(signed({}, KEY, T0 - 60_000))).toMatchObject({ reason: 'Late' });
    expect(v.rememberedNonces).toBe(0);
  });

  it('refuses a replay after the window as Late, having forgotten its nonce', () => {
    let now = T0;
    const v = verifier(() => now);
    const req = signed();
    expect(v.verify(req).ok).toBe(true);
    now += 31_000;
    expect(v.verify(req)).toMatchObject({ reason: 'Late' });
  });

  it('keeps the nonce cache bounded by the window as time advances', () => {
    let now = T0;
    const v = verifier(() => now);
    // one request a second for ten minutes: only the last window's nonces (about 30 + a sweep's worth) stay
    for (let i = 0; i < 600; i++, now += 1000) expect(v.verify(signed({}, KEY, now)).ok).toBe(true);
    expect(v.rememberedNonces).toBeLessThanOrEqual(40);
  });

  it('refuses with 503 Busy rather than grow past the hard cap, and recovers once the window moves', () => {
    let now = T0;
    const v = verifier(() => now, 3);
    for (let i = 0; i < 3; i++) expect(v.verify(signed({}, KEY, now)).ok).toBe(true);
    expect(v.verify(signed({}, KEY, now))).toMatchObject({ ok: false, status: 503, reason: 'Busy' });
    expect(v.rememberedNonces).toBe(3);
    now += 31_000;
    expect(v.verify(signed({}, KEY, now)).ok).toBe(true);
    expect(v.rememberedNonces).toBe(1);
  });
});

describe('signRequest', () => {
  it('refuses a key shorter than 32 bytes', () => {
    let err: unknown;
    try {
      signRequest(Buffer.alloc(16), base);
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
  });

  it('signs with a fresh 16-byte nonce and the time in unix milliseconds', () => {
    const a = signRequest(KEY, base, T0);
    const b = signRequest(KEY, base, T0);
    expect(a[SIGNATURE_HEADERS.timestamp]).toBe(String(T0));
    expect(a[SIGNATURE_HEADERS.nonce]).toMatch(/^[0-9a-f]{32}$/);
    expect(a[SIGNATURE_HEADERS.nonce]).not.toBe(b[SIGNATURE_HEADERS.nonce]);
    expect(a[SIGNATURE_HEADERS.signature]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});
