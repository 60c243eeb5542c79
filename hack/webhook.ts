// Bosun's admission webhook on a local control plane: a throwaway CA and a
// serving certificate for 127.0.0.1 (openssl), and the rules of
// config/webhook registered with a URL instead of a Service. In a cluster,
// the operator (--webhook-cert-secret) or cert-manager does the first part,
// and config/webhook the second.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Writes ca.crt, tls.crt and tls.key into `dir`; returns the CA bundle (base64) for the registration. */
export function makeWebhookCerts(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '7',
    '-subj',
    '/CN=bosun-local-webhook-ca',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run(
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '7',
    '-extfile',
    'san.ext',
  );
  return readFileSync(join(dir, 'ca.crt')).toString('base64');
}

interface WebhookConfig {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  webhooks: {
    clientConfig: { service?: { path?: string }; url?: string; caBundle?: string };
    namespaceSelector?: unknown;
  }[];
}

/**
 * The shipped webhook configurations, pointed at https://127.0.0.1:PORT; with
 * `namespace`, limited to it (and named after it, so several can coexist).
 */
export function webhookConfigs(port: number, caBundle: string, namespace?: string): WebhookConfig[] {
  const docs = parseAllDocuments(readFileSync(join(root, 'config', 'webhook', 'webhooks.yaml'), 'utf8')).map(
    (d) => d.toJS() as WebhookConfig,
  );
  for (const doc of docs) {
    doc.metadata = { name: namespace ? `${doc.metadata.name}-${namespace}` : doc.metadata.name };
    for (const w of doc.webhooks) {
      w.clientConfig = { url: `https://127.0.0.1:${port}${w.clientConfig.service?.path ?? '/'}`, caBundle };
      if (namespace) w.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
    }
  }
  return docs;
}
