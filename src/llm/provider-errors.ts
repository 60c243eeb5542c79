// What Bosun says about a failed model call: the kind of failure and the HTTP
// status, never the provider's response body or its error text. A
// ModelProvider's baseURL may point at any server; echoing what answered
// would hand whoever can create a ModelProvider a partial read of it, and the
// text varies from call to call (each new status message would wake the Goal
// again). Pure.
const statusOf = (err: unknown): number | undefined => {
  const e = err as { status?: unknown; status_code?: unknown };
  const s = typeof e?.status === 'number' ? e.status : typeof e?.status_code === 'number' ? e.status_code : undefined;
  return s !== undefined && s >= 100 && s < 600 ? s : undefined;
};

const HINTS: Record<number, string> = {
  400: 'the provider refused the request',
  401: 'check the API key',
  403: 'the API key may not use this model',
  404: 'check the model name and baseURL',
  408: 'the provider timed out',
  413: 'the prompt is too large for the provider',
  429: 'rate limited by the provider',
};

/** A short, stable description of why a call to a provider failed. */
export function providerFailure(err: unknown): string {
  const status = statusOf(err);
  if (status !== undefined)
    return `HTTP ${status} (${HINTS[status] ?? (status >= 500 ? 'the provider had an error' : 'refused')})`;
  const name = err instanceof Error ? err.name : '';
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : '';
  if (/timeout|timed out|aborted/i.test(`${name} ${text}`)) return 'timed out';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|fetch failed|connection/i.test(`${name} ${text}`))
    return 'could not connect';
  return 'the call failed';
}
