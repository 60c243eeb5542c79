// How issues come in: an alert (from Alertmanager's webhook) or a failing pod
// (the pod-state watcher) becomes an occurrence in Bosun's etcd and, once per
// fingerprint, a Remediation. Any replica may take an issue in: the occurrence
// is recorded unfenced and the Remediation is created by name (a second create
// is a no-op); the leader's Remediation controller does the rest. The
// Remediation carries the identity configured for the intake as its requester,
// never Bosun's own: a heal does only what that identity may do.
import { createHash } from 'node:crypto';
import { hasCode } from '../../api/errors.js';
import { boundedName, type Requester } from '../../api/v1alpha1/common.js';
import { API_VERSION } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { RemediationSpec } from '../../api/v1alpha1/remediation.js';
import type { KubeClient } from '../../kube/client.js';
import { core } from '../../kube/resources.js';
import type { Occurrence, StateStore } from '../../store/state-store.js';
import type { Logger } from '../../telemetry/logger.js';
import type { IntakeAlert } from '../../webhooks/alertmanager.js';
import { remediationResource } from './kind.js';
import { issueOf } from './reconciler.js';

export interface Issue {
  namespace: string;
  fingerprint: string;
  source: 'alert' | 'pod-state';
  summary: string;
  severity: 'info' | 'warning' | 'critical';
  target: { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet'; name: string };
  symptoms: string[];
  occurrence: Occurrence;
  /** an alert's source (Alertmanager's generatorURL), linked from an escalation ticket */
  generatorURL?: string;
}

export interface IntakeDeps {
  /** any replica's client: creating a Remediation is not the leader's alone */
  client: KubeClient;
  /** occurrences are recorded unfenced */
  store: Pick<StateStore, 'recordOccurrence'>;
  /** who asks for the heals that come in (spec.requester) */
  requester: Requester;
  /** how a namespace's Remediations plan: its RiskPolicy's spec.heal.planner */
  plannerFor?: (namespace: string) => 'rules' | 'llm';
  log: Logger;
}

/** One Remediation per fingerprint, named after its target. */
export const remediationName = (target: string, fingerprint: string) =>
  `${boundedName(target, 40)}-${createHash('sha256').update(fingerprint).digest('hex').slice(0, 10)}`;

export function remediationFor(
  issue: Issue,
  requester: Requester,
  planner: 'rules' | 'llm' = 'rules',
): KubeObject & { spec: RemediationSpec } {
  return {
    apiVersion: API_VERSION,
    kind: 'Remediation',
    metadata: {
      name: remediationName(issue.target.name, issue.fingerprint),
      namespace: issue.namespace,
      labels: { 'bosun.dev/source': issue.source },
    },
    spec: {
      issue: {
        source: issue.source,
        fingerprint: issue.fingerprint,
        summary: issue.summary.slice(0, 1024),
        severity: issue.severity,
        ...(issue.generatorURL && { generatorURL: issue.generatorURL.slice(0, 2048) }),
      },
      targetRef: { apiVersion: 'apps/v1', kind: issue.target.kind, name: issue.target.name },
      symptoms: issue.symptoms.slice(0, 20).map((s) => s.slice(0, 1024)),
      mode: 'auto',
      planner,
      requester,
    },
  };
}

interface Owned extends KubeObject {
  metadata: KubeObject['metadata'] & { ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
}

/** The workload that owns a pod (through its ReplicaSet for a Deployment); undefined for a bare pod. */
export async function ownerOf(client: KubeClient, namespace: string, pod: Owned): Promise<Issue['target'] | undefined> {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (owner?.kind === 'StatefulSet' || owner?.kind === 'DaemonSet') return { kind: owner.kind, name: owner.name };
  if (owner?.kind !== 'ReplicaSet') return undefined;
  const rs = await client.tryGet<Owned>(core.replicasets, namespace, owner.name);
  const top = rs?.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Deployment');
  return top && { kind: 'Deployment', name: top.name };
}

export function remediationIntake(deps: IntakeDeps) {
  const { client, store, log } = deps;

  async function report(issue: Issue): Promise<string> {
    await store.recordOccurrence(issueOf(issue.namespace, issue.fingerprint), issue.occurrence);
    const rem = remediationFor(issue, deps.requester, deps.plannerFor?.(issue.namespace));
    if (issue.occurrence.state === 'resolved') return rem.metadata.name; // nothing to open for a resolved issue
    try {
      await client.create(remediationResource, rem);
      log.info({ namespace: issue.namespace, name: rem.metadata.name, source: issue.source }, 'opened a Remediation');
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err; // already open: the occurrence is what counts
    }
    return rem.metadata.name;
  }

  /** Alertmanager's alerts: each firing or resolved alert is an occurrence of its fingerprint's issue. */
  async function alerts(batch: readonly IntakeAlert[]): Promise<void> {
    for (const a of batch) {
      const { namespace, kind, name } = a.target;
      const target =
        kind === 'Pod'
          ? await ownerOf(
              client,
              namespace,
              (await client.tryGet<Owned>(core.pods, namespace, name)) ?? {
                metadata: { name },
              },
            )
          : { kind, name };
      if (!target) {
        log.info({ namespace, pod: name }, 'an alert names a pod no workload owns: not taken in');
        continue;
      }
      const at = a.status === 'resolved' ? (a.endsAt ?? new Date().toISOString()) : new Date().toISOString();
      await report({
        namespace,
        fingerprint: `alert/${a.fingerprint}`,
        source: 'alert',
        summary: a.summary,
        severity: a.severity,
        target,
        symptoms: [a.labels.alertname ? `alert ${a.labels.alertname}` : 'an alert'],
        generatorURL: a.generatorURL,
        occurrence: { id: a.startsAt, firstSeenAt: a.startsAt, lastSeenAt: at, state: a.status },
      });
    }
  }

  return { report, alerts };
}
