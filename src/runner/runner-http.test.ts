import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { hasCode } from '../api/errors.js';
import { MAX_BODY_BYTES } from './protocol.js';
import { createPost, operatorUrl, targetPath } from './runner-http.js';

// a loopback server whose answer each test chooses by path
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(MAX_BODY_BYTES + 1));
    if (req.url === '/refused') return void res.writeHead(409).end('{"reason":"NotRegistered","message":"m"}');
    if (req.url === '/down') return void res.writeHead(503).end();
    res.writeHead(200).end(JSON.stringify({ path: req.url, sig: req.headers['x-bosun-signature'] }));
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe.each([
  ['node:http', () => createPost({ url })],
  ['an injected fetch', () => createPost({ url, fetch })],
])('post through %s', (_, make) => {
  it('sends the headers and reads a 2xx answer', async () => {
    const r = await make()('/runner/claim', '{}', { 'X-Bosun-Signature': 'sha256=ab' });
    expect(r).toEqual({ kind: 'ok', status: 200, body: JSON.stringify({ path: '/runner/claim', sig: 'sha256=ab' }) });
  });

  it('gives a 4xx back as refused, with its body', async () => {
    expect(await make()('/refused', '{}', {})).toMatchObject({ kind: 'refused', status: 409 });
  });

  it('counts a 5xx, an unreachable operator and a too large answer as unavailable', async () => {
    expect(await make()('/down', '{}', {})).toMatchObject({ kind: 'unavailable' });
    expect(await make()('/big', '{}', {})).toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/larger/),
    });
    const closed = createPost({ url: 'http://127.0.0.1:1' });
    expect(await closed('/runner/claim', '{}', {})).toMatchObject({ kind: 'unavailable' });
  });
});

describe('operatorUrl', () => {
  const cases: [string, boolean][] = [
    ['https://bosun.bosun-system.svc:8443', true],
    ['http://127.0.0.1:8080', true],
    ['http://[::1]:8080', true],
    ['http://bosun.bosun-system.svc:8080', false],
    ['https://user:pw@bosun.example', false],
    ['https://bosun.example/?x=1', false],
    ['not a url', false],
  ];
  it.each(cases)('%s → accepted: %s', (u, ok) => {
    let err: unknown;
    try {
      operatorUrl(u);
    } catch (e) {
      err = e;
    }
    expect(err === undefined).toBe(ok);
    if (!ok) expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
  });

  it('keeps a base path in front of the protocol path (what is signed is what is sent)', () => {
    expect(targetPath(new URL('https://h/bosun/'), '/runner/claim')).toBe('/bosun/runner/claim');
    expect(targetPath(new URL('https://h'), '/runner/claim')).toBe('/runner/claim');
  });
});

describe('post over HTTPS', () => {
  // a throwaway CA and a certificate for 127.0.0.1, as the local webhook uses (openssl)
  const dir = mkdtempSync(join(tmpdir(), 'bosun-runner-tls-'));
  let tls: https.Server;
  let port = 0;
  beforeAll(async () => {
    makeWebhookCerts(dir);
    tls = https.createServer(
      { cert: readFileSync(join(dir, 'tls.crt')), key: readFileSync(join(dir, 'tls.key')) },
      (req, res) => void req.resume().on('end', () => res.writeHead(200).end('{"ok":true}')),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    port = (tls.address() as AddressInfo).port;
  });
  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise((r) => tls.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('trusts the operator certificate through the CA it is given, and not without it', async () => {
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const trusted = createPost({ url: `https://127.0.0.1:${port}`, ca });
    expect(await trusted('/runner/report', '{}', {})).toMatchObject({ kind: 'ok', body: '{"ok":true}' });
    const untrusted = createPost({ url: `https://127.0.0.1:${port}` });
    expect(await untrusted('/runner/report', '{}', {})).toMatchObject({ kind: 'unavailable' });
  });
});
