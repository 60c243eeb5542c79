// What a GitHub webhook request must carry (pure): its event, delivery id and
// signature headers, checked before anything is read, and a push payload,
// parsed only once its signature was verified. A refusal says what is wrong.
import type { IncomingHttpHeaders } from 'node:http';
import { PushPayload } from './github-push.js';

/** An answer of the /github endpoint: errors are { reason, message }, as the runners' endpoints'. */
export interface Answer {
  status: number;
  body: { reason?: string; message?: string } & Record<string, unknown>;
}

export const refusal = (status: number, reason: string, message: string): Answer => ({
  status,
  body: { reason, message },
});

export interface GitHubHeaders {
  /** X-GitHub-Event: push, ping, … */
  event: string;
  /** X-GitHub-Delivery: the same for every redelivery of one delivery */
  delivery: string;
  /** X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body with the webhook secret, hex> */
  signature: string;
}

const HEADERS = [
  ['x-github-event', 'event', /^[a-z_]{1,64}$/, 'an event name (push)'],
  ['x-github-delivery', 'delivery', /^[A-Za-z0-9-]{1,64}$/, 'a delivery id (a GUID)'],
  ['x-hub-signature-256', 'signature', /^sha256=[0-9a-f]{64}$/, 'sha256=<64 hex digits>'],
] as const;

/** The three headers every delivery carries, or a 400 naming the one missing or malformed. */
export function readHeaders(headers: IncomingHttpHeaders): GitHubHeaders | { refusal: Answer } {
  const got: Partial<GitHubHeaders> = {};
  for (const [name, field, shape, what] of HEADERS) {
    const value = headers[name];
    if (value === undefined || value === '') {
      const hint = field === 'signature' ? ': set a secret on the webhook' : '';
      return { refusal: refusal(400, 'MissingHeader', `the request has no ${name} header${hint}`) };
    }
    if (typeof value !== 'string' || !shape.test(value))
      return { refusal: refusal(400, 'InvalidHeader', `${name} must be one value: ${what}`) };
    got[field] = value;
  }
  return got as GitHubHeaders;
}

export const isJson = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');

/** A verified body as a push: 400 when it is not JSON, 422 naming the first field that is not as a push has it. */
export function parsePush(body: string): { push: PushPayload } | { refusal: Answer } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { refusal: refusal(400, 'InvalidPayload', 'the body is not JSON') };
  }
  const r = PushPayload.safeParse(json);
  if (r.success) return { push: r.data };
  const issue = r.error.issues[0];
  const field = issue ? pathOf(issue.path) || '(the body)' : '(the body)';
  return { refusal: refusal(422, 'InvalidPayload', `${field}: ${issue?.message ?? 'invalid'}`) };
}
