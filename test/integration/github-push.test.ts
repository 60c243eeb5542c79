// GitHub's push webhook at /github on the real operator's HTTPS server: push
// payloads signed as GitHub signs them (@octokit/webhooks' sign, HMAC-SHA256
// with the webhook secret) start PipelineRuns on the real API server, through
// Bosun's admission webhook, with the Pipeline's trigger ServiceAccount as
// requester. Forged, replayed, oversized, unknown and filtered deliveries
// create nothing and say why.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../../hack/control-plane/wait.js';
import type { PipelineRun } from '../../src/api/v1alpha1/pipeline-run.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { applyPipeline, getRun } from '../support/pipelines.js';
import { makeWebhookCerts } from '../support/webhook.js';

const SECRET_NAME = 'bosun-github-webhook';
const SECRET = randomBytes(24).toString('hex');
const sha = () => randomBytes(20).toString('hex');
const delivery = () => `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-github`;

interface Reply {
  status: number;
  json: { reason?: string; message?: string; created?: string[]; existing?: string[]; skipped?: unknown[] };
}

describe('GitHub push deliveries at /github', { timeout: 300_000 }, () => {
  const ns = useNamespace('github-push');
  const certs = makeWebhookCerts();
  const github = new Webhooks({ secret: SECRET });
  const forger = new Webhooks({ secret: `${SECRET}-not-quite` });
  let op: RunningOperator;
  let port = 0;
  let ca = '';
  const more = () => op?.log(40) ?? '';

  /** POSTs `body` to /github as GitHub would (signed with `signer`); an unended body is streamed, not finished. */
  async function deliver(
    body: string,
    o: { id?: string; event?: string; signer?: Webhooks; unended?: boolean } = {},
  ): Promise<Reply> {
    const signature = await (o.signer ?? github).sign(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: '/github',
          method: 'POST',
          ca,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'GitHub-Hookshot/test',
            'X-GitHub-Event': o.event ?? 'push',
            'X-GitHub-Delivery': o.id ?? delivery(),
            'X-Hub-Signature-256': signature,
            ...(o.unended && { 'Transfer-Encoding': 'chunked' }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} });
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      if (o.unended) req.write(body);
      else req.end(body);
    });
  }

  const push = (o: { repo?: string; ref?: string; after?: string } = {}) =>
    JSON.stringify({
      ref: o.ref ?? 'refs/heads/main',
      before: '0'.repeat(40),
      after: o.after ?? sha(),
      created: false,
      deleted: false,
      forced: false,
      repository: { id: 1, name: 'web', full_name: o.repo ?? 'acme/web', private: true, owner: { login: 'acme' } },
      pusher: { name: 'alice', email: 'alice@example.com' },
      sender: { login: 'alice', id: 2, type: 'User' },
      commits: [],
      head_commit: null,
    });

  const runs = () =>
    (JSON.parse(kubectlOk(['get', 'pipelineruns', '-o', 'json'], { namespace: ns() })) as { items: PipelineRun[] })
      .items;

  beforeAll(async () => {
    kubectl(['delete', 'secret', SECRET_NAME, '-n', 'bosun-system', '--ignore-not-found']);
    kubectlOk(['create', 'secret', 'generic', SECRET_NAME, '-n', 'bosun-system', `--from-literal=secret=${SECRET}`]);
    const stages = [{ name: 'test', agent: 'test', runOn: 'runner', command: ['true'] }];
    applyPipeline(ns(), 'web', {
      source: { repo: 'https://github.com/acme/web.git', github: 'Acme/Web' },
      trigger: { serviceAccountName: 'web-pusher' },
      stages,
    });
    applyPipeline(ns(), 'releases', {
      source: { repo: 'https://github.com/acme/releases.git', github: 'acme/releases' },
      trigger: { branches: ['release/*'] },
      stages,
    });
    ca = readFileSync(join(certs.dir, 'ca.crt'), 'utf8');
    port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'github-push',
      namespace: ns(),
      args: [
        '--webhook-addr',
        `127.0.0.1:${port}`,
        '--webhook-cert-dir',
        certs.dir,
        '--github-webhook-secret',
        SECRET_NAME,
      ],
    });
    // the secret is read once the operator runs: GitHub's ping answers once it is
    const ping = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
    await until(
      'the webhook to answer a ping',
      async () => (await deliver(ping, { event: 'ping' })).status === 200,
      30_000,
      more,
    );
  });
  afterAll(async () => {
    await op?.stop();
    kubectl(['delete', 'secret', SECRET_NAME, '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  const commit = sha();
  const good = push({ after: commit });
  const goodId = delivery();

  it('a signed push creates one PipelineRun, requested by the trigger ServiceAccount, never Bosun', async () => {
    const r = await deliver(good, { id: goodId });
    const name = `web-${commit.slice(0, 7)}`;
    expect(r, more()).toEqual({ status: 201, json: { created: [`${ns()}/${name}`], existing: [], skipped: [] } });
    expect(runs().map((x) => x.metadata.name)).toEqual([name]);
    const run = getRun(ns(), name);
    expect(run.spec).toMatchObject({
      pipelineRef: { name: 'web' },
      revision: commit,
      branch: 'main',
      trigger: { type: 'webhook', event: 'push' },
    });
    expect(run.spec.requester).toEqual({
      username: `system:serviceaccount:${ns()}:web-pusher`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns()}`, 'system:authenticated'],
    });
    expect(run.metadata.labels?.['bosun.dev/pipeline']).toBe('web');
    expect(run.metadata.annotations).toMatchObject({
      'bosun.dev/github-delivery': goodId,
      'bosun.dev/github-pusher': 'alice',
    });
    expect(await op.metric('bosun_github_deliveries_total', { result: 'Created' })).toBe(1);
  });

  it('the same delivery again is a replay: 409, nothing created', async () => {
    const r = await deliver(good, { id: goodId });
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe('DeliveryReplayed');
    expect(runs()).toHaveLength(1);
  });

  it.each([
    ['a forged signature', 401, 'SignatureMismatch', () => deliver(push(), { signer: forger })],
    ['a body over 1 MiB', 413, 'PayloadTooLarge', () => deliver(push() + ' '.repeat(1024 * 1024), { unended: true })],
    ['an unknown repository', 404, 'UnknownRepository', () => deliver(push({ repo: 'acme/unknown' }))],
    [
      'a push to a branch the Pipeline does not run for',
      202,
      'BranchFiltered',
      () => deliver(push({ ref: 'refs/heads/dev' })),
    ],
    ['a tag', 202, 'TagPush', () => deliver(push({ ref: 'refs/tags/v1.0.0' }))],
  ])('%s: %s %s, and nothing created', async (_why, status, reason, send) => {
    const r = await send();
    expect(r.status, JSON.stringify(r.json)).toBe(status);
    expect(r.json.reason).toBe(reason);
    expect(r.json.message).toEqual(expect.any(String));
    expect(runs()).toHaveLength(1);
    expect(await op.metric('bosun_github_deliveries_total', { result: reason })).toBe(1);
  });

  it('a push to a branch a pattern names starts a run of it, branch and all', async () => {
    const after = sha();
    const r = await deliver(push({ repo: 'acme/releases', ref: 'refs/heads/release/1.2', after }));
    const name = `releases-${after.slice(0, 7)}`;
    expect(r, more()).toMatchObject({ status: 201, json: { created: [`${ns()}/${name}`] } });
    expect(getRun(ns(), name).spec).toMatchObject({
      branch: 'release/1.2',
      requester: { username: `system:serviceaccount:${ns()}:bosun-pipeline-trigger` },
    });
    // a second delivery of the same commit (a new id) finds the run
    const again = await deliver(push({ repo: 'acme/releases', ref: 'refs/heads/release/1.2', after }));
    expect(again).toMatchObject({ status: 202, json: { created: [], existing: [`${ns()}/${name}`] } });
    expect(runs()).toHaveLength(2);
  });
});
