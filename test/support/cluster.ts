// Helpers for integration tests: kubectl as any identity, a namespace per test
// file, and the API server's audit log.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, inject } from 'vitest';
import type { IdentityName } from '../../hack/control-plane/identities.js';
import { admitNamespace } from './webhook.js';

export const controlPlane = () => inject('controlPlane');

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl as `as` (default admin; or with `kubeconfig`, against another control plane); never throws, so tests can assert on rejections. */
export function kubectl(
  args: string[],
  opts: { as?: IdentityName; input?: string; namespace?: string; kubeconfig?: string } = {},
): KubectlResult {
  const kubeconfig = opts.kubeconfig ?? controlPlane().kubeconfigs[opts.as ?? 'admin'];
  const ns = opts.namespace ? ['-n', opts.namespace] : [];
  const res = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...ns, ...args], {
    input: opts.input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status ?? -1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** kubectl that must succeed; returns stdout. */
export function kubectlOk(args: string[], opts: Parameters<typeof kubectl>[1] = {}): string {
  const res = kubectl(args, opts);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

export interface NamespaceOptions {
  /** create the executor ServiceAccount bosun-executor, bound to the bosun-executor ClusterRole (default true) */
  executor?: boolean;
  /** register Bosun's admission webhook (served by this test process) for the namespace (default true) */
  webhook?: boolean;
}

/** The executor ServiceAccount a namespace admin creates, bound to `clusterRole`. */
export function createExecutor(namespace: string, clusterRole = 'bosun-executor'): void {
  kubectlOk(['create', 'serviceaccount', 'bosun-executor', '-n', namespace]);
  kubectlOk([
    'create',
    'rolebinding',
    'bosun-executor',
    '-n',
    namespace,
    `--clusterrole=${clusterRole}`,
    `--serviceaccount=${namespace}:bosun-executor`,
  ]);
}

/**
 * A fresh namespace for this test file, set up as a namespace admin would for
 * Bosun (its executor ServiceAccount, and the admission webhook that stamps
 * requesters), deleted (without waiting) afterwards.
 */
export function useNamespace(prefix: string, opts: NamespaceOptions = {}): () => string {
  let name = '';
  let unregister = () => {};
  beforeAll(() => {
    name = `${prefix}-${randomBytes(3).toString('hex')}`;
    kubectlOk(['create', 'namespace', name]);
    if (opts.executor ?? true) createExecutor(name);
    if (opts.webhook ?? true) unregister = admitNamespace(name);
  });
  afterAll(() => {
    unregister();
    if (name) kubectl(['delete', 'namespace', name, '--wait=false']);
  });
  return () => name;
}

export interface AuditEvent {
  verb: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; subresource?: string };
  responseStatus?: { code?: number };
  /** at audit level Request or RequestResponse */
  requestObject?: unknown;
  stage: string;
  requestReceivedTimestamp: string;
  requestURI?: string;
  userAgent?: string;
  /** the object answered, for requests audited at RequestResponse (writes to Deployments, TokenRequests) */
  responseObject?: {
    kind?: string;
    metadata?: { generation?: number };
    spec?: { replicas?: number };
    status?: { token?: string };
  };
}

/** Audit events (ResponseComplete stage) from the API server's JSON-lines audit log. */
export function auditEvents(filter: (e: AuditEvent) => boolean = () => true): AuditEvent[] {
  return readFileSync(controlPlane().auditLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => e.stage === 'ResponseComplete' && filter(e));
}
