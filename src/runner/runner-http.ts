// How a runner POSTs to the operator. Node 20's global fetch cannot trust a CA per request
// (that takes undici's Agent, which Bosun does not depend on), so requests go through
// node:https with the operator's CA when one is given; an injected fetch is used as it is.
// Plain HTTP is allowed to a loopback address only (tests, a port-forward); anything else must
// be HTTPS. Answers are read up to MAX_BODY_BYTES and no further.
import http from 'node:http';
import https from 'node:https';
import { BosunError } from '../api/errors.js';
import { MAX_BODY_BYTES } from './protocol.js';

export type PostResult =
  | { kind: 'ok'; status: number; body: string }
  | { kind: 'refused'; status: number; body: string }
  /** not reached, timed out, 5xx, or an answer too large: worth retrying */
  | { kind: 'unavailable'; message: string };

export type Post = (
  path: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<PostResult>;

export interface PostOptions {
  /** the operator's base URL */
  url: string;
  /** PEM of the CA that signed the operator's serving certificate */
  ca?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** The operator's base URL, checked: HTTPS, or HTTP to loopback; no credentials, query or fragment. */
export function operatorUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BosunError('BOSUN_ERR_CONFIG', 'the operator URL is not a URL');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw new BosunError('BOSUN_ERR_CONFIG', 'the operator URL must be https:// (http:// only to a loopback address)');
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new BosunError('BOSUN_ERR_CONFIG', 'the operator URL must have no credentials, query or fragment');
  }
  return u;
}

/** The path a request to `path` carries (and is signed over): the base URL's path prefix, then path. */
export const targetPath = (base: URL, path: string): string => `${base.pathname.replace(/\/$/, '')}${path}`;

const classify = (status: number, body: string): PostResult =>
  status >= 200 && status < 300
    ? { kind: 'ok', status, body }
    : status >= 400 && status < 500
      ? { kind: 'refused', status, body }
      : { kind: 'unavailable', message: `the operator answered HTTP ${status}` };

const tooLarge: PostResult = { kind: 'unavailable', message: `the answer is larger than ${MAX_BODY_BYTES} bytes` };

export function createPost(opts: PostOptions): Post {
  const base = operatorUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const f = opts.fetch;
  if (f) return (path, body, headers, signal) => viaFetch(f, base, path, body, headers, timeoutMs, signal);
  return (path, body, headers, signal) => viaNode(base, opts.ca, path, body, headers, timeoutMs, signal);
}

async function viaFetch(
  f: typeof fetch,
  base: URL,
  path: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await f(new URL(targetPath(base, path), base), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'error',
    });
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > MAX_BODY_BYTES) return tooLarge;
        chunks.push(chunk);
      }
    }
    return classify(res.status, Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    return { kind: 'unavailable', message: networkMessage(err) };
  }
}

function viaNode(
  base: URL,
  ca: string | undefined,
  path: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve) => {
    const mod = base.protocol === 'https:' ? https : http;
    let done = false;
    const finish = (r: PostResult) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    const refuseTooLarge = () => {
      finish(tooLarge);
      req.destroy();
    };
    const req = mod.request(
      new URL(targetPath(base, path), base),
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body, 'utf8')),
        },
        ...(ca !== undefined && { ca }),
        timeout: timeoutMs,
        ...(signal && { signal }),
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > MAX_BODY_BYTES) return refuseTooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) return refuseTooLarge();
          chunks.push(chunk);
        });
        res.on('end', () => finish(classify(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', (err) => finish({ kind: 'unavailable', message: networkMessage(err) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => finish({ kind: 'unavailable', message: networkMessage(err) }));
    req.end(body);
  });
}

/** What went wrong on the wire, without anything of the request (headers, body) in it. */
function networkMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
