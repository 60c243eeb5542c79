// Bosun's admission webhook (HTTPS, AdmissionReview v1): /mutate stamps and
// rules, /validate rules only. Registered by config/webhook (cert-manager
// provides the certificate in a cluster; tests make their own).
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { errorMessage } from '../api/errors.js';
import type { Logger } from '../telemetry/logger.js';
import { reviewApproval, reviewRequested, REQUESTED_KINDS, type AdmissionRequest, type Review } from './admission.js';

export interface AdmissionServerOptions {
  /** host:port */
  addr: string;
  /** holds tls.crt and tls.key */
  certDir: string;
  operatorUser: string;
  log: Logger;
  now?: () => Date;
}

export interface AdmissionServer {
  port: number;
  close(): Promise<void>;
}

function review(req: AdmissionRequest, opts: AdmissionServerOptions): Review {
  if (REQUESTED_KINDS.includes(req.kind.kind)) return reviewRequested(req, opts.operatorUser);
  if (req.kind.kind === 'Approval')
    return reviewApproval(req, { operatorUser: opts.operatorUser, now: (opts.now ?? (() => new Date()))() });
  return { allowed: true };
}

export async function startAdmissionServer(opts: AdmissionServerOptions): Promise<AdmissionServer> {
  const i = opts.addr.lastIndexOf(':');
  const [host, port] = [opts.addr.slice(0, i) || '0.0.0.0', Number(opts.addr.slice(i + 1))];
  const server = https.createServer(
    { cert: readFileSync(join(opts.certDir, 'tls.crt')), key: readFileSync(join(opts.certDir, 'tls.key')) },
    (httpReq, res) => {
      let body = '';
      httpReq.setEncoding('utf8');
      httpReq.on('data', (c: string) => (body += c));
      httpReq.on('end', () => {
        const mutate = httpReq.url?.startsWith('/mutate') ?? false;
        let uid = '';
        try {
          const { request } = JSON.parse(body) as { request: AdmissionRequest };
          uid = request.uid;
          const r = review(request, opts);
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
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  opts.log.info({ addr: address }, 'serving the admission webhook');
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
