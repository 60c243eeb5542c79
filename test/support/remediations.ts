// Remediations from tests: apply as a user, read back, wait for a phase.
import type { IdentityName } from '../../hack/control-plane/identities.js';
import { until } from '../../hack/control-plane/wait.js';
import { issueOf } from '../../src/controllers/remediation/reconciler.js';
import type { StateStore } from '../../src/store/state-store.js';
import { kubectlOk } from './cluster.js';

export interface RemediationView {
  metadata: { name: string; uid: string; generation: number };
  spec: { requester?: { username: string } };
  status?: {
    phase?: string;
    risk?: string;
    occurrences?: number;
    resolvedAt?: string;
    approvalRef?: string;
    diagnosis?: { evidence: { source: string; summary: string }[]; symptom?: string; hypothesis?: string };
    heals?: { playbook: string; at: string; result?: string }[];
    plan?: { steps: { tool: string; state?: string; params?: Record<string, unknown>; message?: string }[] };
    verification?: { result: string; message?: string };
    conditions?: { type: string; status: string; reason: string; message: string }[];
    completedAt?: string;
    ticket?: { system?: string; id?: string; url: string; occurrences?: number; closedAt?: string };
  };
}

/** A Remediation reported by hand for `target` (a Deployment). */
export const remediationJson = (name: string, target: string, spec: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Remediation',
    metadata: { name },
    spec: {
      issue: { source: 'manual', fingerprint: `manual/${name}`, summary: `${target} is failing` },
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      ...spec,
    },
  });

export const applyRemediation = (
  namespace: string,
  name: string,
  target: string,
  spec: Record<string, unknown> = {},
  as?: IdentityName,
) => kubectlOk(['apply', '-f', '-'], { as, namespace, input: remediationJson(name, target, spec) });

export const getRemediation = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'remediation', name, '-o', 'json'], { namespace })) as RemediationView;

/** Waits for a phase; the failure message shows the status and `more` (the operator's log). */
export async function waitRemediation(
  namespace: string,
  name: string,
  phase: string,
  more: () => string = () => '',
  timeoutMs = 90_000,
): Promise<RemediationView> {
  await until(
    `${name} ${phase}`,
    async () => getRemediation(namespace, name).status?.phase === phase,
    timeoutMs,
    () => `${JSON.stringify(getRemediation(namespace, name).status, null, 1)}\n${more()}`,
  );
  return getRemediation(namespace, name);
}

/**
 * Records a firing occurrence of an issue in Bosun's etcd, as the alert intake does: under the digest of its
 * fingerprint in its namespace, seen now.
 */
export async function recordFiring(
  store: Pick<StateStore, 'recordOccurrence'>,
  namespace: string,
  fingerprint: string,
  id: string,
): Promise<void> {
  const at = new Date().toISOString();
  await store.recordOccurrence(issueOf(namespace, fingerprint), {
    id,
    firstSeenAt: at,
    lastSeenAt: at,
    state: 'firing',
  });
}

/** The condition of a type on a Remediation's status. */
export const remediationCondition = (r: RemediationView, type: string) =>
  r.status?.conditions?.find((c) => c.type === type);
