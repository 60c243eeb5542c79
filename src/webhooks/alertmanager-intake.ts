// The HTTP side of the alert intake: Alertmanager's webhook receiver POSTs its
// payload to /alertmanager on Bosun's HTTPS server. Every request carries a
// bearer token from the intake Secret (Alertmanager's http_config.authorization),
// compared in constant time. Alertmanager retries 5xx and gives up on 4xx, so a
// request Bosun will never accept gets a 4xx with the reason, and only a failure
// to take in good alerts (receive threw) gets 503. Logs carry counts, never the
// token, labels or annotations.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readBody } from './body.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BosunError, errorMessage, type ErrorCode } from '../api/errors.js';
import type { Logger } from '../telemetry/logger.js';
import {
  ALERTMANAGER_WEBHOOK_VERSION,
  AlertMapping,
  AlertmanagerPayload,
  readAlerts,
  type AlertMappingInput,
  type IntakeAlert,
} from './alertmanager.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface AlertIntakeOptions {
  /** the bearer tokens accepted now (read from the intake Secret, so they can rotate) */
  tokens(): readonly string[];
  /** takes in the alerts of one notification; a throw answers 503 and Alertmanager retries */
  receive(alerts: IntakeAlert[]): Promise<void>;
  /** which labels name the namespace, workload and severity (defaults: DEFAULT_ALERT_MAPPING) */
  mapping?: AlertMappingInput;
  /** larger bodies get 413 (default 1 MiB) */
  maxBodyBytes?: number;
}

export type AlertIntakeHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  headers?: Record<string, string>;
}

const refuse = (status: number, code: ErrorCode, message: string, headers?: Record<string, string>): Refusal => ({
  status,
  code,
  message: `${code}: ${message}`,
  ...(headers && { headers }),
});

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether `presented` is one of `accepted`, in time that does not depend on where they differ. */
export function tokenAccepted(presented: string, accepted: readonly string[]): boolean {
  const p = digest(presented);
  let ok = false;
  // every token is compared (no early return), each in constant time over equal-length digests
  for (const t of accepted) ok = (t.length > 0 && timingSafeEqual(p, digest(t))) || ok;
  return ok;
}

const REALM = 'Bearer realm="bosun-alert-intake"';

function authenticate(header: string | undefined, accepted: readonly string[]): Refusal | undefined {
  const m = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  if (!m?.[1]) {
    return refuse(401, 'BOSUN_ERR_INTAKE_UNAUTHENTICATED', 'send Authorization: Bearer <token>', {
      'WWW-Authenticate': REALM,
    });
  }
  if (!tokenAccepted(m[1], accepted)) {
    return refuse(401, 'BOSUN_ERR_INTAKE_UNAUTHENTICATED', 'the bearer token is not accepted', {
      'WWW-Authenticate': `${REALM}, error="invalid_token"`,
    });
  }
  return undefined;
}

const isJson = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');

/** The payload, or why it is refused (400 for what is not JSON, 422 for what is not a version 4 payload). */
function parsePayload(body: Buffer): { payload: AlertmanagerPayload } | { refusal: Refusal } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { refusal: refuse(400, 'BOSUN_ERR_INTAKE_PAYLOAD', 'the body is not JSON') };
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (version !== undefined && version !== ALERTMANAGER_WEBHOOK_VERSION) {
    const [shown, SUPPORTED] = [JSON.stringify(version).slice(0, 16), ALERTMANAGER_WEBHOOK_VERSION];
    const why = `webhook payload version ${shown} is not supported; Bosun reads version ${SUPPORTED}`;
    return { refusal: refuse(422, 'BOSUN_ERR_INTAKE_PAYLOAD', why) };
  }
  const r = AlertmanagerPayload.safeParse(json);
  if (r.success) return { payload: r.data };
  const issue = r.error.issues[0];
  const field = issue ? pathOf(issue.path) || '(the body)' : '(the body)';
  return { refusal: refuse(422, 'BOSUN_ERR_INTAKE_PAYLOAD', `${field}: ${issue?.message ?? 'invalid'}`) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const sendRefusal = (res: ServerResponse, r: Refusal, extra: Record<string, string> = {}) =>
  send(res, r.status, { code: r.code, message: r.message }, { ...r.headers, ...extra });

/** The handler Bosun's HTTPS server calls for /alertmanager. Throws BOSUN_ERR_CONFIG for a bad mapping. */
export function alertIntakeHandler(opts: AlertIntakeOptions, log: Logger): AlertIntakeHandler {
  const parsed = AlertMapping.safeParse(opts.mapping ?? {});
  if (!parsed.success) throw new BosunError('BOSUN_ERR_CONFIG', `alert intake mapping: ${parsed.error.message}`);
  const mapping = parsed.data;
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const unavailable = refuse(503, 'BOSUN_ERR_INTAKE_UNAVAILABLE', 'Bosun could not take in the alerts; retry');

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Refused before its body is read, a request's connection closes: the body is never read, and
    // the connection is not left to the next request with that body still in it.
    const close = { Connection: 'close' };
    if (req.method !== 'POST') {
      const wrongMethod = refuse(405, 'BOSUN_ERR_INTAKE_REQUEST', 'send the alerts with POST');
      return sendRefusal(res, wrongMethod, { ...close, Allow: 'POST' });
    }
    let accepted: readonly string[];
    try {
      accepted = opts.tokens();
    } catch (err) {
      // the Secret is not readable yet: Alertmanager retries a 503
      log.error({ err: errorMessage(err) }, 'alert intake: the accepted tokens are not available');
      return sendRefusal(res, unavailable, { ...close, 'Retry-After': '10' });
    }
    const denied = authenticate(req.headers.authorization, accepted);
    if (denied) {
      log.warn({ status: 401, acceptedTokens: accepted.length }, 'alert intake: unauthenticated request refused');
      return sendRefusal(res, denied, close);
    }
    if (!isJson(req.headers['content-type']))
      return sendRefusal(res, refuse(415, 'BOSUN_ERR_INTAKE_REQUEST', 'the body must be application/json'), close);
    const tooLarge = refuse(413, 'BOSUN_ERR_INTAKE_REQUEST', `the body is larger than ${max} bytes`);
    if (Number(req.headers['content-length'] ?? 0) > max) return sendRefusal(res, tooLarge, close);
    const body = await readBody(req, max);
    if (!body) return sendRefusal(res, tooLarge, close);

    const parsed = parsePayload(body);
    if ('refusal' in parsed) {
      log.warn({ status: parsed.refusal.status, code: parsed.refusal.code }, 'alert intake: payload refused');
      return sendRefusal(res, parsed.refusal);
    }
    const { payload } = parsed;
    const readings = readAlerts(payload, mapping);
    const alerts = readings.flatMap((r) => ('alert' in r ? [r.alert] : []));
    const skipped = readings.flatMap((r) => ('skip' in r ? [r.skip] : []));
    const counts = {
      alerts: readings.length,
      accepted: alerts.length,
      skipped: skipped.length,
      resolved: alerts.filter((a) => a.status === 'resolved').length,
      truncated: payload.truncatedAlerts,
    };
    if (alerts.length > 0) {
      try {
        await opts.receive(alerts);
      } catch (err) {
        log.error({ ...counts, err: errorMessage(err) }, 'alert intake: could not take in the alerts');
        return sendRefusal(res, unavailable, { 'Retry-After': '10' });
      }
    }
    log.info(counts, 'alert intake: notification received');
    send(res, 200, { accepted: alerts.length, skipped });
  }

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err: errorMessage(err) }, 'alert intake: request failed');
      if (!res.headersSent) sendRefusal(res, refuse(400, 'BOSUN_ERR_INTAKE_REQUEST', 'the request could not be read'));
      else res.destroy();
    });
  };
}
