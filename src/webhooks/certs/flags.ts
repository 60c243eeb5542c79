// The `bosun run` flags of the webhook's serving certificate (spread into
// RunConfig), and the rules between them: a webhook address needs exactly one
// source of certificates, --webhook-cert-dir (cert-manager's, mounted) or
// --webhook-cert-secret (Bosun's own, in the operator's namespace).
import { isIP } from 'node:net';
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import type { CertSettings } from './decide.js';

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MIN_VALIDITY_MS = 10_000;

/** 8760h, 90m, 1h30m, 45s (Go's units, as cert-manager's durations) → milliseconds. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const parts = [...s.matchAll(/(\d+)([hms])/g)];
      if (!parts.length || parts.map((p) => p[0]).join('') !== s) {
        ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration such as 8760h, 90m or 45s` });
        return z.NEVER;
      }
      return parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0);
    })
    .pipe(z.number().min(MIN_VALIDITY_MS, 'must be 10s or longer'));

const host = z
  .string()
  .refine((h) => isIP(h) !== 0 || (h.length <= 253 && DNS_NAME.test(h)), 'must be an IP address or a DNS name');

export const webhookCertFlags = {
  webhookCertSecret: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Secret name')
    .optional()
    .describe(
      'serve the admission webhook with a certificate Bosun makes and rotates itself in this kubernetes.io/tls ' +
        "Secret (in the operator's namespace; ca.crt, ca.key, tls.crt, tls.key), its CA written into the webhook " +
        'configurations; the leader writes, every replica serves it; instead of --webhook-cert-dir',
    ),
  webhookService: z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name')
    .default('bosun-webhook')
    .describe("with --webhook-cert-secret: the webhook's Service; the certificate names <service>.<namespace>.svc"),
  webhookConfigurations: z
    .string()
    .regex(DNS_NAME, 'must be an object name')
    .default('bosun-admission')
    .describe(
      'with --webhook-cert-secret: the MutatingWebhookConfiguration and ValidatingWebhookConfiguration ' +
        "of this name whose webhooks' clientConfig.caBundle Bosun keeps current",
    ),
  webhookCertHosts: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(host))
    .describe('with --webhook-cert-secret: more names for the certificate, IP addresses or DNS names, comma-separated'),
  webhookCertValidity: duration('8760h').describe(
    'with --webhook-cert-secret: how long a serving certificate is valid (default a year); ' +
      'renewed when a third of it, at most 90 days, is left',
  ),
  webhookCaValidity: duration('87600h').describe(
    "with --webhook-cert-secret: how long its CA is valid (default ten years, at least the certificate's); " +
      'renewed when a third of it, at most 90 days, is left, the old CA trusted until it expires',
  ),
};

/** What the webhook flags together say: the certificate folder, the managed Secret, or no webhook at all. */
export type WebhookTls =
  | { dir: string }
  | { secret: { namespace: string; name: string; configurations: string; settings: CertSettings } }
  | undefined;

export interface WebhookTlsFlags {
  webhookAddr?: string;
  webhookCertDir?: string;
  webhookCertSecret?: string;
  webhookService: string;
  webhookConfigurations: string;
  webhookCertHosts: string[];
  webhookCertValidity: number;
  webhookCaValidity: number;
  operatorNamespace: string;
}

export function webhookTls(c: WebhookTlsFlags): WebhookTls {
  const fail = (why: string): never => {
    throw new BosunError('BOSUN_ERR_CONFIG', why);
  };
  if (!c.webhookAddr) {
    if (c.webhookCertSecret) fail('--webhook-cert-secret needs --webhook-addr: the certificate is for that server');
    if (c.webhookCertDir) fail('--webhook-cert-dir needs --webhook-addr: the certificate is for that server');
    return undefined;
  }
  if (c.webhookCertDir && c.webhookCertSecret)
    fail(
      '--webhook-cert-dir and --webhook-cert-secret both set: use --webhook-cert-dir with cert-manager, ' +
        '--webhook-cert-secret without it',
    );
  if (c.webhookCertDir) return { dir: c.webhookCertDir };
  const name =
    c.webhookCertSecret ??
    fail(
      '--webhook-addr needs a certificate: --webhook-cert-dir (a folder with tls.crt and tls.key, ' +
        "cert-manager's) or --webhook-cert-secret (a Secret Bosun manages itself)",
    );
  if (c.webhookCaValidity < c.webhookCertValidity)
    fail('--webhook-ca-validity is shorter than --webhook-cert-validity: a CA must outlive the certificates it signs');
  const service = `${c.webhookService}.${c.operatorNamespace}.svc`;
  return {
    secret: {
      namespace: c.operatorNamespace,
      name,
      configurations: c.webhookConfigurations,
      settings: {
        hosts: [...new Set([service, `${service}.cluster.local`, ...c.webhookCertHosts])],
        certValidityMs: c.webhookCertValidity,
        caValidityMs: c.webhookCaValidity,
      },
    },
  };
}
