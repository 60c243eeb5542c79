// Signed requests between a runner and the operator. The runner signs every request with its
// key (HMAC-SHA256 over the method, path, runner, timestamp, nonce and the body's SHA-256); the
// operator verifies it before it reads the body as JSON. A request is refused when it is
// unsigned, signed with another key or over other content, from a runner the operator has no
// key for, outside the clock window, or a replay of a nonce already seen in that window.
// Nonces are remembered only once the signature checks out (a forger cannot fill the cache or
// burn a real runner's nonce) and only while their timestamp is in the window, under a hard cap.
// Refusals never carry the key or the signature the operator expected.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BosunError } from '../api/errors.js';
import { MAX_BODY_BYTES } from './protocol.js';

export const SIGNATURE_HEADERS = {
  runner: 'X-Bosun-Runner',
  timestamp: 'X-Bosun-Timestamp',
  nonce: 'X-Bosun-Nonce',
  signature: 'X-Bosun-Signature',
} as const;

/** Shorter keys are refused on both sides: a runner key is 32 random bytes or more. */
export const MIN_KEY_BYTES = 32;
export const NONCE_BYTES = 16;
export const DEFAULT_MAX_SKEW_MS = 30_000;
export const DEFAULT_MAX_NONCES = 100_000;

export interface SignableRequest {
  method: string;
  /** the request target as sent (path and query), e.g. `/runner/claim` */
  path: string;
  runner: string;
  /** the body exactly as sent: hashed as its UTF-8 bytes */
  body: string | Uint8Array;
}

const sha256hex = (body: string | Uint8Array) => createHash('sha256').update(body).digest('hex');

function mac(key: Buffer, req: SignableRequest, timestamp: string, nonce: string): Buffer {
  const text = [req.method.toUpperCase(), req.path, req.runner, timestamp, nonce, sha256hex(req.body)].join('\n');
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** The headers that sign a request. */
export function signRequest(
  key: Buffer,
  req: SignableRequest,
  now: number = Date.now(),
  nonce: (size: number) => Buffer = randomBytes,
): Record<string, string> {
  if (key.length < MIN_KEY_BYTES) {
    throw new BosunError('BOSUN_ERR_CONFIG', `the runner key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  const timestamp = String(Math.trunc(now));
  const n = nonce(NONCE_BYTES).toString('hex');
  return {
    [SIGNATURE_HEADERS.runner]: req.runner,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: n,
    [SIGNATURE_HEADERS.signature]: `sha256=${mac(key, req, timestamp, n).toString('hex')}`,
  };
}

export type VerifyRefusal = {
  ok: false;
  /** 503 only when the nonce cache is full: retry later */
  status: 400 | 401 | 503;
  reason: 'Unsigned' | 'BadSignature' | 'UnknownRunner' | 'Late' | 'Replayed' | 'Malformed' | 'Busy';
  message: string;
};
export type VerifyResult = { ok: true; runner: string } | VerifyRefusal;

export interface VerifiableRequest {
  method: string;
  /** the request target as received (node's `req.url`) */
  path: string;
  /** node's IncomingHttpHeaders, or any record; names are matched without regard to case */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** the raw body, already read within MAX_BODY_BYTES */
  body: string | Uint8Array;
}

export interface RequestVerifierOptions {
  /** the runner's key, or undefined when the operator knows no such runner */
  keyFor(runner: string): Buffer | undefined;
  /** how far a timestamp may be from the operator's clock, either way (default 30 s) */
  maxSkewMs?: number;
  now?: () => number;
  /** nonces remembered at once; beyond this requests are refused with 503 (default 100 000) */
  maxNonces?: number;
}

const RUNNER_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TIMESTAMP_RE = /^[0-9]{1,15}$/;
const NONCE_RE = new RegExp(`^[0-9a-f]{${NONCE_BYTES * 2},128}$`);
const SIGNATURE_RE = /^sha256=([0-9a-f]{64})$/;

const refuse = (status: VerifyRefusal['status'], reason: VerifyRefusal['reason'], message: string): VerifyRefusal => ({
  ok: false,
  status,
  reason,
  message,
});

export class RequestVerifier {
  private readonly maxSkewMs: number;
  private readonly maxNonces: number;
  private readonly now: () => number;
  /** `${runner}\n${nonce}` → when it leaves the window (its timestamp + maxSkew) */
  private readonly nonces = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly opts: RequestVerifierOptions) {
    this.maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.maxNonces = opts.maxNonces ?? DEFAULT_MAX_NONCES;
    this.now = opts.now ?? Date.now;
  }

  /** Nonces remembered now (for metrics and tests). */
  get rememberedNonces(): number {
    return this.nonces.size;
  }

  verify(req: VerifiableRequest): VerifyResult {
    const h = readHeaders(req.headers);
    if (h === 'duplicate') return refuse(400, 'Malformed', 'a signature header was sent more than once');
    if (h.signature === undefined) {
      return refuse(401, 'Unsigned', `the request has no ${SIGNATURE_HEADERS.signature} header`);
    }
    const missing = (['runner', 'timestamp', 'nonce'] as const).filter((k) => h[k] === undefined);
    if (missing.length > 0) {
      return refuse(400, 'Malformed', `missing ${missing.map((k) => SIGNATURE_HEADERS[k]).join(', ')}`);
    }
    const { runner, timestamp, nonce } = h as Required<typeof h>;
    const sig = SIGNATURE_RE.exec(h.signature);
    if (!sig) return refuse(400, 'Malformed', `${SIGNATURE_HEADERS.signature} must be sha256=<64 hex digits>`);
    if (!RUNNER_RE.test(runner)) return refuse(400, 'Malformed', `${SIGNATURE_HEADERS.runner} must be a DNS label`);
    if (!TIMESTAMP_RE.test(timestamp)) {
      return refuse(400, 'Malformed', `${SIGNATURE_HEADERS.timestamp} must be unix milliseconds`);
    }
    if (!NONCE_RE.test(nonce)) {
      return refuse(
        400,
        'Malformed',
        `${SIGNATURE_HEADERS.nonce} must be ${NONCE_BYTES * 2} to 128 lower-case hex digits`,
      );
    }
    const size = typeof req.body === 'string' ? Buffer.byteLength(req.body, 'utf8') : req.body.byteLength;
    if (size > MAX_BODY_BYTES) return refuse(400, 'Malformed', `the body is larger than ${MAX_BODY_BYTES} bytes`);

    const key = this.opts.keyFor(runner);
    if (key === undefined || key.length < MIN_KEY_BYTES) {
      return refuse(401, 'UnknownRunner', `no key is configured for runner ${runner}`);
    }
    const expected = mac(key, { method: req.method, path: req.path, runner, body: req.body }, timestamp, nonce);
    const presented = Buffer.from(sig[1]!, 'hex');
    // both 32 bytes (the format check above), so timingSafeEqual cannot throw on a length difference
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return refuse(401, 'BadSignature', `the signature does not match the request for runner ${runner}`);
    }

    const now = this.now();
    const ts = Number(timestamp);
    if (Math.abs(now - ts) > this.maxSkewMs) {
      const off = Math.round((ts - now) / 1000);
      return refuse(
        401,
        'Late',
        `the timestamp is ${Math.abs(off)} s ${off < 0 ? 'old' : 'ahead'}; ` +
          `at most ${this.maxSkewMs / 1000} s is accepted (check the clocks)`,
      );
    }
    this.sweep(now);
    const id = `${runner}\n${nonce}`;
    if (this.nonces.has(id)) return refuse(401, 'Replayed', `runner ${runner} already sent this nonce`);
    if (this.nonces.size >= this.maxNonces) {
      this.sweep(now, true);
      if (this.nonces.size >= this.maxNonces) {
        return refuse(503, 'Busy', `more than ${this.maxNonces} requests in the replay window; retry later`);
      }
    }
    this.nonces.set(id, ts + this.maxSkewMs);
    return { ok: true, runner };
  }

  /**
   * Forgets nonces whose timestamp has left the window (a replay of them is refused as Late).
   * Entries do not expire in insertion order (timestamps vary within the window), so this is a
   * full pass, run at most every quarter window, or at once when the cache is full.
   */
  private sweep(now: number, force = false): void {
    if (!force && now < this.nextSweep) return;
    this.nextSweep = now + Math.max(1, this.maxSkewMs / 4);
    for (const [id, until] of this.nonces) if (until < now) this.nonces.delete(id);
  }
}

type SignatureHeaders = Partial<Record<keyof typeof SIGNATURE_HEADERS, string>>;

function readHeaders(headers: VerifiableRequest['headers']): SignatureHeaders | 'duplicate' {
  const out: SignatureHeaders = {};
  const wanted = new Map(
    Object.entries(SIGNATURE_HEADERS).map(([k, v]) => [v.toLowerCase(), k as keyof SignatureHeaders]),
  );
  for (const [name, value] of Object.entries(headers)) {
    const k = wanted.get(name.toLowerCase());
    if (k === undefined || value === undefined) continue;
    if (out[k] !== undefined || typeof value !== 'string') return 'duplicate';
    out[k] = value;
  }
  return out;
}
