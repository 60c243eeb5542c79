// Registers Bosun's admission webhook with the test API server for one
// namespace, pointing at an operator on loopback.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWebhookCerts as make, webhookConfigs } from '../../hack/webhook.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { startAdmissionServer } from '../../src/webhooks/server.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { inject } from 'vitest';
import { kubectl, kubectlOk } from './cluster.js';

/** Bosun's own identity on the local control plane. */
export const OPERATOR_USER = 'system:serviceaccount:bosun-system:bosun';

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

/**
 * Bosun's admission webhook (the same code the operator serves), served by the
 * test run's global setup, so that requesters are stamped in every test
 * namespace even while a test kills and restarts its operators. (Not in the
 * test worker: its synchronous kubectl calls would block the server.)
 */
export async function serveAdmission(
  bosunEtcdUrl: string,
): Promise<{ port: number; caBundle: string; close(): Promise<void> }> {
  const { dir, caBundle } = makeWebhookCerts();
  // admitted decisions go to the run's Bosun etcd, where every test's operator reads them
  const decisions = new EtcdStateStore({ endpoints: [bosunEtcdUrl] });
  const server = await startAdmissionServer({
    addr: '127.0.0.1:0',
    certDir: dir,
    operatorUser: OPERATOR_USER,
    decisions,
    log: createLogger({ level: 'warn' }),
  });
  return { port: server.port, caBundle, close: async () => (await server.close(), await decisions.close()) };
}

/** Registers the run's webhook for `namespace`; returns a function that removes it. */
export function admitNamespace(namespace: string): () => void {
  const { port, caBundle } = inject('admission');
  return registerWebhooks(namespace, port, caBundle);
}
