// Bosun's admission webhook (HTTPS, AdmissionReview v1): /mutate stamps and
// rules, /validate rules and records each admitted Approval decision in Bosun's
// etcd before it answers (no record, no admission). Registered by config/webhook.
// Its certificate comes from a CertSource (certs/sources.ts: a folder
// cert-manager fills, or the Secret Bosun manages itself) and is swapped in
// without a restart when it changes; until there is one, every connection is
// closed unanswered (and /readyz says so).
// The same server takes Alertmanager's notifications at /alertmanager when the
// alert intake is configured (alertmanager-intake.ts), and the pipeline runners'
// requests at /runner/* when runners are configured (runner-endpoints.ts),
// and GitHub's push deliveries at /github when its secret is configured
// (github-endpoint.ts); without them, those paths are 404.
import https from 'node:https';
import type { Socket } from 'node:net';
import { BosunError, errorMessage } from '../api/errors.js';
import type { StateStore } from '../store/state-store.js';
import type { Logger } from '../telemetry/logger.js';
import { reviewApproval, reviewRequested, REQUESTED_KINDS, type AdmissionRequest, type Review } from './admission.js';
import { described, dirCertSource, type CertSource } from './certs/sources.js';
import { alertIntakeHandler, type AlertIntakeOptions } from './alertmanager-intake.js';
import { GITHUB_PATH, githubPushHandler, type GitHubPushOptions } from './github-endpoint.js';
import { isRunnerPath, runnerEndpoints, type RunnerEndpointsOptions } from './runner-endpoints.js';

export interface AdmissionServerOptions {
  /** host:port */
  addr: string;
  /** holds tls.crt and tls.key, read again when they change; or else: */
  certDir?: string;
  /** the serving certificate, and its next ones */
  certs?: CertSource;
  operatorUser: string;
  /** where admitted decisions are recorded (Bosun's etcd) */
  decisions: Pick<StateStore, 'recordDecision'>;
  log: Logger;
  now?: () => Date;
  /** Alertmanager's webhook receiver at /alertmanager (absent: that path answers 404) */
  alertmanager?: AlertIntakeOptions;
  /** the pipeline runners' endpoints at /runner/* (absent: those paths answer 404) */
  runners?: RunnerEndpointsOptions;
  /** GitHub's push webhook at /github (absent: that path answers 404) */
  github?: GitHubPushOptions;
}

/** The path Alertmanager's webhook_config url names on this server. */
export const ALERTMANAGER_PATH = '/alertmanager';

export interface AdmissionServer {
  port: number;
  close(): Promise<void>;
}

async function review(req: AdmissionRequest, opts: AdmissionServerOptions, validating: boolean): Promise<Review> {
  if (REQUESTED_KINDS.includes(req.kind.kind)) return reviewRequested(req, opts.operatorUser);
  if (req.kind.kind !== 'Approval') return { allowed: true };
  const now = (opts.now ?? (() => new Date()))();
  const r = reviewApproval(req, { operatorUser: opts.operatorUser, now, validating });
  if (!r.allowed || !r.admitted) return r;
  try {
    await opts.decisions.recordDecision(r.admitted.ref, r.admitted.decision);
  } catch (err) {
    opts.log.error({ err: errorMessage(err), approval: req.object?.metadata.name }, 'could not record a decision');
    const code = 'BOSUN_ERR_STORE_UNAVAILABLE';
    return { allowed: false, code, message: `${code}: Bosun could not record your decision; try again shortly` };
  }
  return r;
}

export async function startAdmissionServer(opts: AdmissionServerOptions): Promise<AdmissionServer> {
  const i = opts.addr.lastIndexOf(':');
  const [host, port] = [opts.addr.slice(0, i) || '0.0.0.0', Number(opts.addr.slice(i + 1))];
  const alertIntake =
    opts.alertmanager && alertIntakeHandler(opts.alertmanager, opts.log.child({ intake: 'alertmanager' }));
  const runners = opts.runners && runnerEndpoints(opts.runners, opts.log.child({ component: 'runners' }));
  const github = opts.github && githubPushHandler(opts.github, opts.log.child({ intake: 'github' }));
  const certs = opts.certs ?? (opts.certDir ? dirCertSource(opts.certDir, opts.log) : undefined);
  if (!certs) throw new BosunError('BOSUN_ERR_CONFIG', 'the admission webhook needs a certificate: certDir or certs');
  const first = certs.current();
  const server = https.createServer(first ? { cert: first.cert, key: first.key } : {}, (httpReq, res) => {
    if (httpReq.url?.split('?')[0] === ALERTMANAGER_PATH) {
      if (alertIntake) alertIntake(httpReq, res);
      else res.writeHead(404).end();
      return;
    }
    if (httpReq.url?.split('?')[0] === GITHUB_PATH) {
      if (github) github(httpReq, res);
      else res.writeHead(404).end();
      return;
    }
    if (isRunnerPath(httpReq.url)) {
      if (runners) runners(httpReq, res);
      else res.writeHead(404).end();
      return;
    }
    let body = '';
    httpReq.setEncoding('utf8');
    httpReq.on('data', (c: string) => (body += c));
    httpReq.on('end', async () => {
      const mutate = httpReq.url?.startsWith('/mutate') ?? false;
      let uid = '';
      try {
        const { request } = JSON.parse(body) as { request: AdmissionRequest };
        uid = request.uid;
        const r = await review(request, opts, !mutate);
        const response = r.allowed
          ? {
              uid,
              allowed: true,
              ...(mutate &&
                r.patch?.length && {
                  patchType: 'JSONPatch',
                  patch: Buffer.from(JSON.stringify(r.patch)).toString('base64'),
                }),
            }
          : { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: r.message } };
        if (!r.allowed)
          opts.log.info(
            {
              code: r.code,
              user: request.userInfo.username,
              kind: request.kind.kind,
              name: request.object?.metadata.name,
              why: r.message,
            },
            'admission denied',
          );
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      } catch (err) {
        opts.log.error({ err: errorMessage(err) }, 'could not read an AdmissionReview');
        res.writeHead(400).end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid, allowed: false, status: { code: 400, message: 'malformed AdmissionReview' } },
          }),
        );
      }
    });
  });
  let serving = Boolean(first);
  certs.onChange((c) => {
    server.setSecureContext({ cert: c.cert, key: c.key });
    serving = true;
    opts.log.info(described(c), 'serving a new certificate');
  });
  // no certificate yet: no handshake could succeed, so none is tried
  server.prependListener('connection', (socket: Socket) => {
    if (!serving) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  opts.log.info({ addr: address }, 'serving the admission webhook');
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise((r) => {
        if (!opts.certs) certs.stop(); // the folder's, made here
        server.close(() => r());
      }),
  };
}
