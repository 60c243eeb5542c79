// The /github endpoint through Bosun's own HTTPS server on loopback, with a throwaway CA, deliveries in the
// in-memory store and the runs it creates caught.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { BosunError } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { DELIVERIES_PREFIX } from './github-deliveries.js';
import type { CreateResult } from './github-endpoint.js';
import type { PipelineRunObject } from './github-push.js';
import { startAdmissionServer, type AdmissionServer } from './server.js';

const SECRET = 'github-webhook-secret-0123456789';
const NO_SIGNATURE = `sha256=${'0'.repeat(64)}`;
const SHA = '3f9c2ab81d6e4b0f9a7c5d2e1f0a9b8c7d6e5f4a';
const dir = mkdtempSync(join(tmpdir(), 'bosun-github-test-'));
const signer = new Webhooks({ secret: SECRET });
const metrics = createMetrics({ defaultMetrics: false });
let ca: Buffer;
let server: AdmissionServer;
let bare: AdmissionServer;
let store: MemoryStateStore;
let created: PipelineRunObject[] = [];
let existing = new Map<string, unknown>();
let createFails: Error | undefined;
let secretReadable = true;
let seq = 0;
const logged: string[] = [];

const pipeline = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name, namespace: 'shop' },
  spec: {
    source: { repo: 'https://github.com/acme/web.git', github: 'acme/web' },
    stages: [{ name: 'test', agent: 'test', command: ['true'] }],
    ...spec,
  },
});
let pipelines: KubeObject[] = [];

const push = (o: Record<string, unknown> = {}) =>
  JSON.stringify({
    ref: 'refs/heads/main',
    after: SHA,
    deleted: false,
    repository: { full_name: 'acme/web' },
    sender: { login: 'alice' },
    head_commit: { message: 'a commit message that must not be logged' },
    ...o,
  });

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

interface Call {
  port?: number;
  method?: string;
  event?: string;
  delivery?: string;
  body?: string;
  /** the signature to send (default: the body's, with SECRET) */
  signature?: string;
  headers?: Record<string, string>;
  unended?: boolean;
}

async function call(c: Call = {}): Promise<Reply> {
  const body = c.body ?? push();
  const signature = c.signature ?? (await signer.sign(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: c.port ?? server.port,
        path: '/github',
        method: c.method ?? 'POST',
        ca,
        headers: {
          'Content-Type': 'application/json',
          'X-GitHub-Event': c.event ?? 'push',
          'X-GitHub-Delivery': c.delivery ?? `delivery-${++seq}`,
          'X-Hub-Signature-256': signature,
          ...c.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    if (c.unended) req.write(body);
    else req.end(body);
  });
}

const recorded = async () =>
  (await store.listRecords(DELIVERIES_PREFIX)).map((r) => r.key.slice(DELIVERIES_PREFIX.length));

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
    github: {
      secret: () => (secretReadable ? SECRET : undefined),
      pipelines: () => pipelines,
      createRun: async (run): Promise<CreateResult> => {
        if (createFails) throw createFails;
        const key = `${run.metadata.namespace}/${run.metadata.name}`;
        if (existing.has(key)) return { created: false, found: existing.get(key) };
        existing.set(key, run);
        created.push(run);
        return { created: true };
      },
      // each test's own store
      deliveries: {
        getRecord: (key) => store.getRecord(key),
        casRecord: (key, expected, value) => store.casRecord(key, expected, value),
        listRecords: (prefix) => store.listRecords(prefix),
        deleteRecord: (key, expected) => store.deleteRecord(key, expected),
      },
      metrics,
      maxBodyBytes: 8192,
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
  store = new MemoryStateStore();
  created = [];
  existing = new Map();
  createFails = undefined;
  secretReadable = true;
  pipelines = [
    pipeline('web', { trigger: { serviceAccountName: 'pusher' } }),
    pipeline('api', { source: { repo: 'https://x.example/api.git', github: 'acme/api' } }),
  ];
});

describe('the GitHub push endpoint at /github', () => {
  it('a signed push creates the run of the Pipeline of its repository, then records the delivery', async () => {
    const r = await call({ delivery: 'd-good' });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ created: ['shop/web-3f9c2ab'], existing: [], skipped: [] });
    expect(created).toHaveLength(1);
    expect(created[0]?.spec.requester?.username).toBe('system:serviceaccount:shop:pusher');
    expect(created[0]?.metadata.annotations).toEqual({
      'bosun.dev/github-delivery': 'd-good',
      'bosun.dev/github-pusher': 'alice',
    });
    expect(await recorded()).toEqual(['d-good']);
  });

  it('a replayed delivery id gets 409, creating nothing; a new delivery of the same commit finds its run', async () => {
    await call({ delivery: 'd-1' });
    const replay = await call({ delivery: 'd-1' });
    expect(replay.status).toBe(409);
    expect(replay.json).toMatchObject({ reason: 'DeliveryReplayed' });
    const again = await call({ delivery: 'd-2' });
    expect(again.status).toBe(202);
    expect(again.json).toEqual({ created: [], existing: ['shop/web-3f9c2ab'], skipped: [] });
    expect(created).toHaveLength(1);
    expect(await recorded()).toEqual(['d-1', 'd-2']);
  });

  it('a redelivery after a failure (nothing recorded) creates what is missing and finds what was made', async () => {
    createFails = new BosunError('BOSUN_ERR_KUBE_UNAVAILABLE', 'the API server is down');
    const failed = await call({ delivery: 'd-retry' });
    expect(failed.status).toBe(503);
    expect(failed.json).toMatchObject({ reason: 'Unavailable' });
    expect(await recorded()).toEqual([]);
    createFails = undefined;
    expect((await call({ delivery: 'd-retry' })).status).toBe(201);
    expect((await call({ delivery: 'd-retry' })).status).toBe(409);
  });

  it('a run of that name of another Pipeline or commit is not taken for this push', async () => {
    existing.set('shop/web-3f9c2ab', { spec: { pipelineRef: { name: 'web' }, revision: 'a1b2c3d' } });
    const r = await call({ delivery: 'd-taken' });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'RunRefused', skipped: [{ pipeline: 'shop/web', reason: 'RunNameTaken' }] });
    expect(await recorded()).toEqual([]);
  });

  it('a run the API server refuses is skipped with its reason, and the delivery is not recorded', async () => {
    createFails = new BosunError('BOSUN_ERR_KUBE_FORBIDDEN', 'admission webhook denied the request');
    const r = await call();
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ skipped: [{ reason: 'RunRefused', message: expect.stringContaining('denied') }] });
    expect(await recorded()).toEqual([]);
  });

  it.each<{ why: string; c: Call; status: number; reason: string }>([
    {
      why: 'a forged signature',
      c: { signature: NO_SIGNATURE },
      status: 401,
      reason: 'SignatureMismatch',
    },
    { why: 'no signature', c: { signature: '' }, status: 400, reason: 'MissingHeader' },
    { why: 'no delivery id', c: { headers: { 'X-GitHub-Delivery': '' } }, status: 400, reason: 'MissingHeader' },
    { why: 'no event', c: { headers: { 'X-GitHub-Event': '' } }, status: 400, reason: 'MissingHeader' },
    {
      why: 'a form body',
      c: { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      status: 415,
      reason: 'UnsupportedMediaType',
    },
    { why: 'GET', c: { method: 'GET', body: '', signature: NO_SIGNATURE }, status: 405, reason: 'MethodNotAllowed' },
    { why: 'a body that is not JSON', c: { body: '{"ref":' }, status: 400, reason: 'InvalidPayload' },
    {
      why: 'an empty body',
      c: { body: '', signature: NO_SIGNATURE },
      status: 400,
      reason: 'InvalidPayload',
    },
    { why: 'a short SHA', c: { body: push({ after: 'abc' }) }, status: 422, reason: 'InvalidPayload' },
    {
      why: 'an unknown repository',
      c: { body: push({ repository: { full_name: 'acme/other' } }) },
      status: 404,
      reason: 'UnknownRepository',
    },
    { why: 'a filtered branch', c: { body: push({ ref: 'refs/heads/dev' }) }, status: 202, reason: 'BranchFiltered' },
    { why: 'a tag', c: { body: push({ ref: 'refs/tags/v1' }) }, status: 202, reason: 'TagPush' },
    {
      why: 'a deleted branch',
      c: { body: push({ deleted: true, after: '0'.repeat(40) }) },
      status: 202,
      reason: 'BranchDeleted',
    },
    { why: 'another event', c: { event: 'issues' }, status: 202, reason: 'EventIgnored' },
  ])('$why: $status $reason, nothing created or recorded', async ({ c, status, reason }) => {
    const r = await call(c);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ reason, message: expect.any(String) });
    expect(created).toEqual([]);
    expect(await recorded()).toEqual([]);
  });

  it('answers a ping, once its signature checks', async () => {
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(await call({ event: 'ping', body: ping })).toMatchObject({ status: 200, json: { reason: 'Pong' } });
    expect((await call({ event: 'ping', body: ping, signature: `sha256=${'1'.repeat(64)}` })).status).toBe(401);
  });

  it('refuses a body past the limit by its declared length, unread, and a streamed one once past it', async () => {
    const declared = await call({
      headers: { 'Content-Length': '9000' },
      body: '',
      signature: NO_SIGNATURE,
      unended: true,
    });
    expect(declared).toMatchObject({ status: 413, json: { reason: 'PayloadTooLarge' } });
    const big = push({ padding: 'x'.repeat(9000) });
    const streamed = await call({ headers: { 'Transfer-Encoding': 'chunked' }, body: big, unended: true });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.connection).toBe('close');
    expect(created).toEqual([]);
  });

  it('answers 503 while the webhook secret cannot be read', async () => {
    secretReadable = false;
    expect(await call()).toMatchObject({ status: 503, json: { reason: 'Unavailable' } });
    expect(created).toEqual([]);
  });

  it('counts deliveries by result, and logs no secret, signature or commit message', async () => {
    const body = push();
    const signature = await signer.sign(body);
    await call({ body, signature, delivery: 'd-count' });
    await call({ body, signature, delivery: 'd-count' });
    const text = await metrics.registry.getSingleMetricAsString('bosun_github_deliveries_total');
    expect(text).toMatch(/result="Created"} [1-9]/);
    expect(text).toMatch(/result="DeliveryReplayed"} [1-9]/);
    const logs = logged.join('');
    expect(logs).toContain('d-count');
    for (const secret of [SECRET, signature.slice(7), 'a commit message']) expect(logs).not.toContain(secret);
  });

  it('is not served without the github option', async () => {
    expect((await call({ port: bare.port })).status).toBe(404);
  });
});
