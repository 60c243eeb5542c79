// One signed request from the runner to the operator, and its answer read with the protocol's
// schema: acknowledged (ok), refused with a 4xx and the operator's reason, or unavailable (not
// reached, 5xx, or an answer that does not parse) and so worth retrying.
import type { z } from 'zod';
import { ErrorBody, encodeBody, type RunnerPath } from './protocol.js';
import { targetPath, type Post } from './runner-http.js';
import { signRequest } from './sign.js';

export type CallResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'refused'; status: number; reason: string; message: string }
  | { kind: 'unavailable'; message: string };

export type Call = <S extends z.ZodType>(
  path: RunnerPath,
  body: unknown,
  schema: S,
  signal: AbortSignal,
) => Promise<CallResult<z.infer<S>>>;

export interface CallOptions {
  post: Post;
  /** the operator's base URL (its path, if any, comes before the protocol's and is signed with it) */
  base: URL;
  key: Buffer;
  runner: string;
  now: () => number;
}

export function createCall(opts: CallOptions): Call {
  return async (path, body, schema, signal) => {
    const encoded = encodeBody(body);
    // the runner's bodies are bounded by the protocol, so this is a bug, not the operator's doing
    if (!encoded.ok) return { kind: 'refused', status: 413, reason: 'TooLarge', message: `${encoded.bytes} bytes` };
    // signed afresh for each attempt: a resent report carries a new timestamp and nonce
    const headers = signRequest(
      opts.key,
      { method: 'POST', path: targetPath(opts.base, path), runner: opts.runner, body: encoded.body },
      opts.now(),
    );
    const res = await opts.post(path, encoded.body, headers, signal);
    if (res.kind === 'unavailable') return res;
    const json = parseJson(res.body);
    if (res.kind === 'refused') {
      const e = ErrorBody.safeParse(json);
      return e.success
        ? { kind: 'refused', status: res.status, ...e.data }
        : { kind: 'refused', status: res.status, reason: 'Unknown', message: `HTTP ${res.status}` };
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { kind: 'ok', value: parsed.data };
    const issue = parsed.error.issues[0];
    return {
      kind: 'unavailable',
      message: `the answer to ${path} does not parse: ${issue?.path.join('.')}: ${issue?.message}`,
    };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
