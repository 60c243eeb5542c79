// The intake through Bosun's own HTTPS server on loopback, with a throwaway CA.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { createLogger } from '../telemetry/logger.js';
import type { IntakeAlert } from './alertmanager.js';
import { tokenAccepted } from './alertmanager-intake.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';

const TOKEN = 'intake-token-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'bosun-intake-test-'));
let ca: Buffer;
let server: AdmissionServer;
let bare: AdmissionServer;
let received: IntakeAlert[][] = [];
let failing = false;
let tokensReadable = true;
const logged: string[] = [];

const alert = (fingerprint: string, labels: Record<string, string>) => ({
  status: 'firing',
  labels,
  annotations: { summary: 'annotation text that must not be logged' },
  startsAt: '2026-11-26T17:02:03Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint,
});
const payload = (over: Record<string, unknown> = {}) => ({
  version: '4',
  groupKey: '{}:{}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'bosun',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://127.0.0.1:9093',
  alerts: [
    alert('00000000000000a1', { namespace: 'shop', deployment: 'web' }),
    alert('00000000000000b2', { alertname: 'Watchdog' }),
  ],
  ...over,
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Call {
  port?: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** write the body in chunks without ending the request (the server must answer before the end) */
  unended?: boolean;
}

function call(c: Call = {}): Promise<Reply> {
  const body = c.body ?? JSON.stringify(payload());
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: c.port ?? server.port,
        path: c.path ?? '/alertmanager',
        method: c.method ?? 'POST',
        ca,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...c.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    if (c.unended) req.write(body);
    else req.end(body);
  });
}

const codeOf = (r: Reply) => (JSON.parse(r.body) as { code: string }).code;

beforeAll(async () => {
  makeWebhookCerts(dir);
  ca = readFileSync(join(dir, 'ca.crt'));
  const log = createLogger({
    level: 'debug',
    destination: new Writable({ write: (chunk: Buffer, _e, cb) => (logged.push(chunk.toString()), cb()) }),
  });
  const common = {
    addr: '127.0.0.1:0',
    certDir: dir,
    operatorUser: 'bosun',
    decisions: { recordDecision: async () => {} },
  };
  server = await startAdmissionServer({
    ...common,
    log,
    alertmanager: {
      tokens: () => {
        if (!tokensReadable) throw new Error('the Secret is not read yet');
        return ['another-token-that-is-also-valid', TOKEN];
      },
      receive: async (alerts) => {
        if (failing) throw new Error('the store is down');
        received.push(alerts);
      },
      maxBodyBytes: 4096,
    },
  });
  bare = await startAdmissionServer({ ...common, log });
});

afterAll(async () => {
  await server?.close();
  await bare?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received = [];
  failing = false;
  tokensReadable = true;
});

describe('the alert intake at /alertmanager', () => {
  it('takes in the alerts it can map and says which it skipped', async () => {
    const r = await call();
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      accepted: 1,
      skipped: [{ fingerprint: '00000000000000b2', reason: 'no namespace label' }],
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.map((a) => a.fingerprint)).toEqual(['00000000000000a1']);
  });

  it('does not call receive when every alert is skipped', async () => {
    const r = await call({ body: JSON.stringify(payload({ alerts: [alert('00000000000000b2', {})] })) });
    expect(r.status).toBe(200);
    expect(received).toEqual([]);
  });

  it.each<{ why: string; c: Call; status: number; code: string }>([
    { why: 'GET', c: { method: 'GET' }, status: 405, code: 'BOSUN_ERR_INTAKE_REQUEST' },
    { why: 'no token', c: { headers: { Authorization: '' } }, status: 401, code: 'BOSUN_ERR_INTAKE_UNAUTHENTICATED' },
    {
      why: 'another scheme',
      c: { headers: { Authorization: `Basic ${TOKEN}` } },
      status: 401,
      code: 'BOSUN_ERR_INTAKE_UNAUTHENTICATED',
    },
    {
      why: 'a wrong token',
      c: { headers: { Authorization: `Bearer ${TOKEN}x` } },
      status: 401,
      code: 'BOSUN_ERR_INTAKE_UNAUTHENTICATED',
    },
    {
      why: 'text/plain',
      c: { headers: { 'Content-Type': 'text/plain' } },
      status: 415,
      code: 'BOSUN_ERR_INTAKE_REQUEST',
    },
    { why: 'a body that is not JSON', c: { body: '{"version":' }, status: 400, code: 'BOSUN_ERR_INTAKE_PAYLOAD' },
    {
      why: 'version 3',
      c: { body: JSON.stringify(payload({ version: '3' })) },
      status: 422,
      code: 'BOSUN_ERR_INTAKE_PAYLOAD',
    },
    {
      why: 'a payload of another shape',
      c: { body: JSON.stringify({ version: '4', alerts: 'none' }) },
      status: 422,
      code: 'BOSUN_ERR_INTAKE_PAYLOAD',
    },
  ])('refuses $why with $status', async ({ c, status, code }) => {
    const r = await call(c);
    expect(r.status).toBe(status);
    expect(codeOf(r)).toBe(code);
    expect(received).toEqual([]);
  });

  it('asks for a bearer token on 401, and says when the token is wrong', async () => {
    expect((await call({ headers: { Authorization: '' } })).headers['www-authenticate']).toMatch(/^Bearer realm=/);
    const wrong = await call({ headers: { Authorization: 'Bearer nope' } });
    expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('names the field a 422 is about', async () => {
    const bad = payload({ alerts: [{ ...alert('00000000000000a1', {}), fingerprint: 'xyz' }] });
    const r = await call({ body: JSON.stringify(bad) });
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body)).toMatchObject({ message: expect.stringContaining('alerts[0].fingerprint') });
  });

  it('says which version it reads', async () => {
    const r = await call({ body: JSON.stringify(payload({ version: '5' })) });
    expect(JSON.parse(r.body)).toMatchObject({
      message: expect.stringMatching(/"5" is not supported; Bosun reads version 4/),
    });
  });

  it('allows only POST', async () => {
    expect((await call({ method: 'PUT' })).headers.allow).toBe('POST');
  });

  it('refuses a body past the limit by its declared length, before reading it', async () => {
    // the headers go out alone; the answer comes without the body ever being sent
    const r = await call({ headers: { 'Content-Length': '5000' }, body: Buffer.alloc(0), unended: true });
    expect(r.status).toBe(413);
    expect(codeOf(r)).toBe('BOSUN_ERR_INTAKE_REQUEST');
  });

  it('stops reading a streamed body once it passes the limit', async () => {
    const r = await call({ headers: { 'Transfer-Encoding': 'chunked' }, body: 'x'.repeat(5000), unended: true });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
  });

  it('answers 503 when the alerts cannot be taken in, so that Alertmanager retries', async () => {
    failing = true;
    const r = await call();
    expect(r.status).toBe(503);
    expect(codeOf(r)).toBe('BOSUN_ERR_INTAKE_UNAVAILABLE');
  });

  it('answers 503 while the accepted tokens cannot be read', async () => {
    tokensReadable = false;
    const r = await call();
    expect(r.status).toBe(503);
    expect(received).toEqual([]);
  });

  it('logs counts, never the token or the annotations', async () => {
    await call();
    await call({ headers: { Authorization: 'Bearer wrong-token-value' } });
    const text = logged.join('');
    expect(text).toMatch(/"accepted":1/);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('wrong-token-value');
    expect(text).not.toContain('annotation text');
  });

  it('is not served without the alertmanager option', async () => {
    expect((await call({ port: bare.port })).status).toBe(404);
  });
});

describe('tokenAccepted', () => {
  it.each([
    { why: 'the one token', presented: 'a-token', accepted: ['a-token'], ok: true },
    { why: 'the second of two', presented: 'b-token', accepted: ['a-token', 'b-token'], ok: true },
    { why: 'a prefix', presented: 'a-tok', accepted: ['a-token'], ok: false },
    { why: 'a longer token', presented: 'a-token-', accepted: ['a-token'], ok: false },
    { why: 'no token accepted', presented: 'a-token', accepted: [], ok: false },
    { why: 'an empty token configured', presented: '', accepted: [''], ok: false },
  ])('$why: $ok', ({ presented, accepted, ok }) => {
    expect(tokenAccepted(presented, accepted)).toBe(ok);
  });
});
