// GitHub's push webhook at /github on Bosun's HTTPS server. Headers first
// (400 for one missing or malformed; events other than push and ping are
// ignored with 202, their body unread), then the body within the limit (413),
// its signature verified with @octokit/webhooks against the webhook secret
// (401) before it is parsed, then the delivery id (409 for one acted on
// before), and then the push: a PipelineRun for each Pipeline of the
// repository that takes the branch (github-push.ts), created as Bosun with
// the Pipeline's trigger identity as requester. Logs carry the delivery id,
// the repository and counts, never the secret, the signature or the body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhooks } from '@octokit/webhooks';
import { errorMessage, hasCode } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { readBody } from './body.js';
import { GitHubDeliveries, type DeliveryStore } from './github-deliveries.js';
import { decidePush, sameRun, type PipelineRunObject, type PushPayload, type Skipped } from './github-push.js';
import { isJson, parsePush, readHeaders, refusal, type Answer } from './github-request.js';

export const GITHUB_PATH = '/github';
/** GitHub caps a payload at 25 MB; a push's, without its commits' diffs, is far smaller. */
export const DEFAULT_GITHUB_MAX_BODY_BYTES = 1024 * 1024;

export type CreateResult = { created: true } | { created: false; found: unknown };

export interface GitHubPushOptions {
  /** the webhook secret now (read from its Secret, so it can rotate); undefined until read: 503 */
  secret(): string | undefined;
  /** the Pipelines of every namespace the operator watches */
  pipelines(): readonly KubeObject[];
  /** creates a run as Bosun; a run of that name exists already: what the API server holds under it */
  createRun(run: PipelineRunObject): Promise<CreateResult>;
  /** where acted-on delivery ids are recorded (Bosun's etcd) */
  deliveries: DeliveryStore;
  now?: () => Date;
  metrics?: Pick<Metrics, 'githubDeliveries'>;
  /** larger bodies get 413, unread (default 1 MiB) */
  maxBodyBytes?: number;
}

const nameOf = (r: PipelineRunObject) => `${r.metadata.namespace}/${r.metadata.name}`;

export function githubPushHandler(opts: GitHubPushOptions, log: Logger) {
  const max = opts.maxBodyBytes ?? DEFAULT_GITHUB_MAX_BODY_BYTES;
  const deliveries = new GitHubDeliveries(opts.deliveries, opts.now);
  let verifier: { secret: string; webhooks: Webhooks } | undefined;
  const verify = (secret: string, body: string, signature: string) => {
    if (verifier?.secret !== secret) verifier = { secret, webhooks: new Webhooks({ secret }) };
    return verifier.webhooks.verify(body, signature);
  };

  /** Creates the runs; a refused one is skipped, any other failure throws (503: the redelivery finds them). */
  async function start(runs: PipelineRunObject[], skipped: Skipped[]) {
    const [created, existing] = [[] as string[], [] as string[]];
    for (const run of runs) {
      const at = `${run.metadata.namespace}/${run.spec.pipelineRef.name}`;
      try {
        const r = await opts.createRun(run);
        if (r.created) created.push(nameOf(run));
        else if (sameRun(r.found, run)) existing.push(nameOf(run));
        else {
          const message =
            `a PipelineRun ${run.metadata.name} of another Pipeline or commit exists: ` +
            'delete it, or rename the Pipeline';
          skipped.push({ pipeline: at, reason: 'RunNameTaken', message });
        }
      } catch (err) {
        if (!hasCode(err, 'BOSUN_ERR_KUBE_INVALID') && !hasCode(err, 'BOSUN_ERR_KUBE_FORBIDDEN')) throw err;
        log.error({ pipeline: at, err: errorMessage(err) }, 'github: the API server refused a run');
        skipped.push({ pipeline: at, reason: 'RunRefused', message: errorMessage(err).slice(0, 512) });
      }
    }
    return { created, existing };
  }

  async function onPush(push: PushPayload, delivery: string): Promise<Answer> {
    const pipelines = opts.pipelines().flatMap((p) => {
      const r = Pipeline.safeParse(p);
      return r.success ? [r.data] : [];
    });
    const decided = decidePush(push, pipelines, delivery);
    if ('status' in decided) {
      const { status, reason, message, skipped } = decided;
      return { status, body: { reason, message, ...(status === 202 && { created: [], existing: [], skipped }) } };
    }
    const { skipped } = decided;
    const { created, existing } = await start(decided.runs, skipped);
    const body = { created, existing, skipped };
    const repository = push.repository.full_name;
    log.info({ delivery, repository, ref: push.ref, created, existing, skipped: skipped.length }, 'github: a push');
    if (!created.length && !existing.length)
      return { status: 422, body: { reason: 'RunRefused', message: 'no run could be created', ...body } };
    await deliveries.record(delivery, { repository, runs: [...created, ...existing] });
    void deliveries.prune().then(
      (n) => n && log.info({ pruned: n }, 'github: forgot deliveries older than three days'),
      (err: unknown) => log.warn({ err: errorMessage(err) }, 'github: could not prune the recorded deliveries'),
    );
    return { status: created.length ? 201 : 202, body };
  }

  async function handle(req: IncomingMessage): Promise<Answer & { close?: boolean }> {
    // refused before its body is read, a request's connection closes with the answer
    if (req.method !== 'POST') return { ...refusal(405, 'MethodNotAllowed', 'send deliveries with POST'), close: true };
    const headers = readHeaders(req.headers);
    if ('refusal' in headers) return { ...headers.refusal, close: true };
    const { event, delivery, signature } = headers;
    if (event !== 'push' && event !== 'ping') {
      const message = `Bosun starts runs from push events; a ${event} event is ignored`;
      return { status: 202, body: { reason: 'EventIgnored', message }, close: true };
    }
    if (!isJson(req.headers['content-type'])) {
      const message = "the body must be application/json: set the webhook's content type to application/json";
      return { ...refusal(415, 'UnsupportedMediaType', message), close: true };
    }
    const tooLarge = { ...refusal(413, 'PayloadTooLarge', `the body is larger than ${max} bytes`), close: true };
    if (Number(req.headers['content-length'] ?? 0) > max) return tooLarge;
    const secret = opts.secret();
    if (!secret) {
      log.error('github: the webhook secret is not available (its Secret was not read, or has no key "secret")');
      return { ...refusal(503, 'Unavailable', 'Bosun cannot verify deliveries now; redeliver later'), close: true };
    }
    const raw = await readBody(req, max);
    if (!raw) return tooLarge;
    const body = raw.toString('utf8');
    if (!body) return refusal(400, 'InvalidPayload', 'the body is empty');
    if (!(await verify(secret, body, signature))) {
      log.warn({ delivery, event }, 'github: a delivery with a signature that does not match was refused');
      return refusal(401, 'SignatureMismatch', 'X-Hub-Signature-256 does not match the body and the webhook secret');
    }
    if (event === 'ping')
      return { status: 200, body: { reason: 'Pong', message: 'pong: Bosun takes push events here' } };
    if (await deliveries.seen(delivery))
      return refusal(409, 'DeliveryReplayed', `delivery ${delivery} was acted on before: nothing is done again`);
    const parsed = parsePush(body);
    if ('refusal' in parsed) return parsed.refusal;
    return onPush(parsed.push, delivery);
  }

  const resultOf = (a: Answer) =>
    a.status === 201 ? 'Created' : (a.body.reason ?? (a.status === 202 ? 'Existing' : String(a.status)));

  return (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['x-github-delivery'];
    const delivery = typeof id === 'string' ? id.slice(0, 64) : undefined;
    handle(req)
      .catch((err: unknown): Answer & { close?: boolean } => {
        log.error({ delivery, err: errorMessage(err) }, 'github: a delivery failed');
        return { ...refusal(503, 'Unavailable', 'Bosun could not act on the delivery now; redeliver it'), close: true };
      })
      .then((a) => {
        opts.metrics?.githubDeliveries.inc({ result: resultOf(a) });
        const { created, existing, skipped } = a.body as { created?: []; existing?: []; skipped?: [] };
        const counts = { created: created?.length, existing: existing?.length, skipped: skipped?.length };
        log.info({ delivery, status: a.status, reason: a.body.reason, ...counts }, 'github: delivery answered');
        res
          .writeHead(a.status, { 'Content-Type': 'application/json', ...(a.close && { Connection: 'close' }) })
          .end(JSON.stringify(a.body));
      })
      .catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'github: could not answer');
        res.destroy();
      });
  };
}
