// What Bosun says when a ticket system refuses: a code, the HTTP status and what
// to fix. Never the token, never the response body verbatim: the body comes from
// whatever server the URL points at, and the client's error carries the request
// (its Authorization header included), so it is not kept as the cause either.
// Field names the server lists are kept when they look like field names.
import { BosunError, type ErrorCode } from '../api/errors.js';

export class TicketError extends BosunError {
  constructor(
    code: ErrorCode,
    detail: string,
    /** the HTTP status the ticket system answered, when it answered */
    readonly status?: number,
  ) {
    super(code, detail);
    this.name = 'TicketError';
  }
}

/** What a failed call came to, read from the client's error. */
export interface CallFailure {
  status?: number;
  /** no HTTP answer: why */
  network?: 'timed out' | 'could not connect';
  /** the server said it is rate-limiting (GitHub answers 403 with x-ratelimit-remaining: 0) */
  rateLimited?: boolean;
  /** field names the server's error names, already checked to look like field names */
  fields?: string[];
}

/** What to fix, per kind of refusal; each system words its own. */
export interface Fixes {
  auth: string;
  forbidden: string;
  notFound: string;
  rejected: string;
}

const FIELD = /^[A-Za-z][A-Za-z0-9_.]{0,39}$/;

/** The field names among `names` (anything else is dropped, not echoed), at most 8. */
export const fieldNames = (names: readonly unknown[]): string[] =>
  [...new Set(names.filter((n): n is string => typeof n === 'string' && FIELD.test(n)))].slice(0, 8);

const NETWORK_TIMEOUT = /timeout|timed out|aborted|ETIMEDOUT|ECONNABORTED/i;

/** Whether an error with no HTTP answer timed out or never connected. */
export const networkFailure = (err: unknown): CallFailure['network'] => {
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  const text = `${String(e?.name)} ${String(e?.code)} ${String(e?.cause?.code)} ${String(e?.message)}`;
  return NETWORK_TIMEOUT.test(text) ? 'timed out' : 'could not connect';
};

/**
 * The coded error for a failed call. `system` and `action` say who refused what
 * ("GitHub", "creating an issue in acme/payments").
 */
export function ticketError(system: string, action: string, f: CallFailure, fixes: Fixes): TicketError {
  const s = f.status;
  if (s === undefined) {
    return new TicketError('BOSUN_ERR_TICKET_UNAVAILABLE', `${system} ${f.network ?? 'could not connect'} (${action})`);
  }
  const said = `${system} answered HTTP ${s} to ${action}`;
  const fields = f.fields?.length ? ` (fields: ${f.fields.join(', ')})` : '';
  if (s === 429 || s >= 500 || (s === 403 && f.rateLimited)) {
    return new TicketError('BOSUN_ERR_TICKET_UNAVAILABLE', `${said}: rate-limited or failing; retried later`, s);
  }
  if (s === 401) return new TicketError('BOSUN_ERR_TICKET_AUTH', `${said}: ${fixes.auth}`, s);
  if (s === 403) return new TicketError('BOSUN_ERR_TICKET_AUTH', `${said}: ${fixes.forbidden}`, s);
  if (s === 404 || s === 410) return new TicketError('BOSUN_ERR_TICKET_NOT_FOUND', `${said}: ${fixes.notFound}`, s);
  if (s >= 300 && s < 400) {
    return new TicketError('BOSUN_ERR_TICKET_CONFIG', `${said}: a redirect; point the URL at the API itself`, s);
  }
  return new TicketError('BOSUN_ERR_TICKET_REJECTED', `${said}${fields}: ${fixes.rejected}`, s);
}
