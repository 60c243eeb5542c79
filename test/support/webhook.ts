// Registers Bosun's admission webhook (the rules of config/webhook) with the
// test API server, for one namespace, pointing at an operator on loopback; and
// makes the TLS certificate it serves (openssl, a throwaway CA).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kubectl, kubectlOk } from './cluster.js';
import { repoRoot } from './paths.js';

export function makeWebhookCerts(): { dir: string; caBundle: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-webhook-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=bosun-test-webhook-ca');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  run('x509', '-req', '-in', 'tls.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tls.crt', '-days', '1', '-extfile', 'san.ext');
  return { dir, caBundle: readFileSync(join(dir, 'ca.crt')).toString('base64') };
}

interface WebhookConfig {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  webhooks: { clientConfig: { service?: { path?: string }; url?: string; caBundle?: string }; namespaceSelector?: unknown }[];
}

/** Registers the shipped webhooks for `namespace` only; returns a function that removes them. */
export function registerWebhooks(namespace: string, port: number, caBundle: string): () => void {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'config', 'webhook', 'webhooks.yaml'), 'utf8')).map((d) => d.toJS() as WebhookConfig);
  const names: string[] = [];
  for (const doc of docs) {
    doc.metadata = { name: `${doc.metadata.name}-${namespace}` };
    for (const w of doc.webhooks) {
      w.clientConfig = { url: `https://127.0.0.1:${port}${w.clientConfig.service?.path ?? '/'}`, caBundle };
      w.namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
    }
    kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(doc) });
    names.push(`${doc.kind.toLowerCase()}/${doc.metadata.name}`);
  }
  return () => {
    for (const n of names) kubectl(['delete', n, '--ignore-not-found']);
  };
}
