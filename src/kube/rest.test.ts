import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { KubeRest, type Verb } from './rest.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let seen: Seen[] = [];
let address = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', message: 'not found' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function rest(observed: [Verb, number][] = []): KubeRest {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: address, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't0ken' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeRest(kc, { observe: (verb, code) => observed.push([verb, code]), userAgent: 'bosun-test' });
}

describe('KubeRest requests', () => {
  it.each([
    { why: 'no query: the path alone', path: '/api/v1/pods', query: undefined, want: '/api/v1/pods' },
    {
      why: 'unset values are left out, the rest encoded',
      path: '/api/v1/pods',
      query: { labelSelector: 'app in (a,b)', limit: 500, continue: undefined, watch: false },
      want: '/api/v1/pods?labelSelector=app%20in%20(a%2Cb)&limit=500&watch=false',
    },
    {
      why: 'a path that has a query already is appended to',
      path: '/api/v1/namespaces/n/pods/p/log?container=c',
      query: { tailLines: 10 },
      want: '/api/v1/namespaces/n/pods/p/log?container=c&tailLines=10',
    },
  ])('targets $why', async ({ path, query, want }) => {
    seen = [];
    const r = rest();
    await r.request({ verb: 'get', method: 'GET', path, query });
    r.close();
    expect(seen.map((s) => s.url)).toEqual([want]);
  });

  it('sends the body with its type and length, credentials and User-Agent, and counts the answer', async () => {
    seen = [];
    const observed: [Verb, number][] = [];
    const r = rest(observed);
    const body = { status: { message: 'héllo' } };
    const out = await r.request({
      verb: 'patch',
      method: 'PATCH',
      path: '/apis/bosun.dev/v1alpha1/namespaces/n/goals/g/status',
      body,
      contentType: 'application/merge-patch+json',
    });
    r.close();
    expect(out).toEqual({ ok: true });
    const [s] = seen;
    expect(s?.method).toBe('PATCH');
    expect(JSON.parse(s?.body ?? '')).toEqual(body);
    expect(s?.headers['content-type']).toBe('application/merge-patch+json');
    expect(s?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(body))));
    expect(s?.headers.authorization).toBe('Bearer t0ken');
    expect(s?.headers['user-agent']).toBe('bosun-test');
    expect(observed).toEqual([['patch', 200]]);
  });

  it('throws a coded error on a non-2xx answer and counts it', async () => {
    const observed: [Verb, number][] = [];
    const r = rest(observed);
    const err = await r.request({ verb: 'get', method: 'GET', path: '/missing' }).catch((e: unknown) => e);
    r.close();
    expect(hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')).toBe(true);
    expect(observed).toEqual([['get', 404]]);
  });
});
