// What the loopback fakes of GitHub's and Jira's REST APIs share: a server on
// 127.0.0.1 at a random port that records every request (its raw body, to
// assert on what left), answers injected failures first, and keeps a list of
// protocol failures (an unknown route, a field of the wrong type) that tests
// assert is empty.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** the path without the query */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** the raw body, as it crossed the wire */
  body: string;
}

export interface Answer {
  status: number;
  /** sent as JSON */
  body?: unknown;
  /** sent as it is, instead of a JSON body (Slack's webhooks answer plain words: ok, no_service) */
  text?: string;
  headers?: Record<string, string>;
}

/** An answer given instead of the real one, to the first request whose `METHOD /path` matches `when`. */
export interface Injected extends Answer {
  when?: RegExp;
}

export interface FakeHttp {
  origin: string;
  requests: RecordedRequest[];
  /** protocol failures: what a real server would also refuse, or what the fake does not know */
  failures: string[];
  /** answered before any routing, each once, in order: an outage, a refusal */
  inject: Injected[];
  close(): Promise<void>;
}

export type Handler = (req: RecordedRequest, fail: (why: string) => void) => Answer;

export async function startFakeHttp(handle: Handler): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const inject: Injected[] = [];
  const send = (res: ServerResponse, a: Answer) => {
    const text = a.text ?? (a.body === undefined ? '' : JSON.stringify(a.body));
    const type = a.text !== undefined ? 'text/html' : 'application/json; charset=utf-8';
    res.writeHead(a.status, {
      ...(text ? { 'Content-Type': type } : {}),
      ...a.headers,
    });
    res.end(text);
  };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const recorded = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const at = inject.findIndex((a) => !a.when || a.when.test(`${recorded.method} ${recorded.path}`));
      if (at >= 0) return send(res, inject.splice(at, 1)[0]!);
      try {
        send(
          res,
          handle(recorded, (why) => failures.push(`${recorded.method} ${recorded.path}: ${why}`)),
        );
      } catch (err) {
        failures.push(`${recorded.method} ${recorded.path}: the fake failed: ${String(err)}`);
        send(res, { status: 500, body: { message: 'the fake failed' } });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    failures,
    inject,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'string[]' | 'array' | 'null';

const typeOf = (v: unknown): FieldType | 'undefined' =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? v.every((x) => typeof x === 'string')
        ? 'string[]'
        : 'array'
      : (typeof v as FieldType | 'undefined');

/**
 * Checks an object's fields against what the API documents: each allowed field
 * with the types it may have (a trailing '?' on the name: optional). Unknown
 * fields, missing required ones and wrong types are failures. True when it fits.
 */
export function checkFields(
  what: string,
  value: unknown,
  spec: Record<string, readonly FieldType[]>,
  fail: (why: string) => void,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${what} is not a JSON object`);
    return false;
  }
  let ok = true;
  const fields = new Map(
    Object.entries(spec).map(([k, t]) => [k.replace(/\?$/, ''), { t, optional: k.endsWith('?') }]),
  );
  for (const [k, v] of Object.entries(value)) {
    const f = fields.get(k);
    const t = typeOf(v);
    if (!f) {
      fail(`${what} has an undocumented field ${k}`);
      ok = false;
    } else if (!f.t.includes(t as FieldType) && !(t === 'string[]' && f.t.includes('array'))) {
      fail(`${what}.${k} is ${t}, documented as ${f.t.join(' | ')}`);
      ok = false;
    }
  }
  for (const [k, f] of fields) {
    if (!f.optional && !(k in value)) {
      fail(`${what} lacks the required field ${k}`);
      ok = false;
    }
  }
  return ok;
}

/** The query's parameters are among those documented. */
export function checkQuery(query: URLSearchParams, allowed: readonly string[], fail: (why: string) => void): void {
  for (const k of query.keys()) if (!allowed.includes(k)) fail(`undocumented query parameter ${k}`);
}

/** The body as JSON, or undefined (and a failure) when it is not. */
export function jsonBody(req: RecordedRequest, fail: (why: string) => void): unknown {
  if (!/^application\/json/.test(req.headers['content-type'] ?? '')) fail('a body sent without Content-Type JSON');
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    fail('a body that is not JSON');
    return undefined;
  }
}
