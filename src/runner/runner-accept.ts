// The operator's side of a runner request, before its handler acts: the body within the size
// limit, the signature (sign.ts), the body against the protocol's schema, and the runner named
// in the body being the one that signed (so one runner cannot claim, heartbeat or report as
// another). What it refuses comes back as the status and the ErrorBody to answer with.
import type { z } from 'zod';
import { MAX_BODY_BYTES, MAX_REASON_CHARS, type ErrorBody } from './protocol.js';
import type { RequestVerifier, VerifiableRequest } from './sign.js';

export type Accepted<T> = { ok: true; runner: string; body: T };
export type NotAccepted = { ok: false; status: 400 | 401 | 403 | 405 | 413 | 503; body: ErrorBody };

const no = (status: NotAccepted['status'], reason: string, message: string): NotAccepted => ({
  ok: false,
  status,
  body: { reason, message: message.slice(0, MAX_REASON_CHARS) },
});

/**
 * Verifies and reads one runner request. The handler must have read the body with a limit
 * (stop reading past MAX_BODY_BYTES and answer 413 without buffering more); this checks the
 * size again, so a body that got through whole is still refused unparsed.
 */
export function acceptRunnerRequest<S extends z.ZodType<{ runner: string }>>(
  verifier: RequestVerifier,
  schema: S,
  req: VerifiableRequest,
): Accepted<z.infer<S>> | NotAccepted {
  if (req.method !== 'POST') return no(405, 'MethodNotAllowed', 'runner requests are POSTs');
  const size = typeof req.body === 'string' ? Buffer.byteLength(req.body, 'utf8') : req.body.byteLength;
  if (size > MAX_BODY_BYTES) return no(413, 'TooLarge', `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const v = verifier.verify(req);
  if (!v.ok) return no(v.status, v.reason, v.message);
  let json: unknown;
  try {
    json = JSON.parse(typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8'));
  } catch {
    return no(400, 'Malformed', 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return no(400, 'Invalid', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  if (parsed.data.runner !== v.runner) {
    return no(403, 'WrongRunner', `runner ${v.runner} signed a request for another runner`);
  }
  return { ok: true, runner: v.runner, body: parsed.data };
}
