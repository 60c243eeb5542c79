// Registers Bosun's admission webhook with the test API server for one
// namespace, pointing at an operator on loopback.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWebhookCerts as make, webhookConfigs } from '../../hack/webhook.js';
import { kubectl, kubectlOk } from './cluster.js';

export function makeWebhookCerts(): { dir: string; caBundle: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-webhook-certs-'));
  return { dir, caBundle: make(dir) };
}

/** Registers the shipped webhooks for `namespace` only; returns a function that removes them. */
export function registerWebhooks(namespace: string, port: number, caBundle: string): () => void {
  const names = webhookConfigs(port, caBundle, namespace).map((doc) => {
    kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(doc) });
    return `${doc.kind.toLowerCase()}/${doc.metadata.name}`;
  });
  return () => {
    for (const n of names) kubectl(['delete', n, '--ignore-not-found']);
  };
}
