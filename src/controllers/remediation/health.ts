// How a Remediation's target looks now, for verification: available (every
// replica updated and available for the current generation) and how often its
// current pods restarted. Read-only.
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { KubeClient } from '../../kube/client.js';
import { core, type Resource } from '../../kube/resources.js';
import type { Health } from './lifecycle.js';

interface WorkloadObject extends KubeObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    numberAvailable?: number;
    desiredNumberScheduled?: number;
  };
}

interface PodObject extends KubeObject {
  status?: { containerStatuses?: { restartCount: number }[] };
}

/** Available as kstatus reads a rollout: observed, updated and available for every desired replica. */
export function workloadAvailable(w: WorkloadObject): { available: boolean; problem?: string } {
  const s = w.status ?? {};
  const desired = w.spec?.replicas ?? s.desiredNumberScheduled ?? 1;
  if ((s.observedGeneration ?? 0) < (w.metadata.generation ?? 0))
    return { available: false, problem: 'the controller has not observed the latest spec' };
  const updated = s.updatedReplicas ?? desired;
  const available = s.availableReplicas ?? s.numberAvailable ?? 0;
  if (updated < desired) return { available: false, problem: `${updated}/${desired} replicas updated` };
  if (available < desired) return { available: false, problem: `${available}/${desired} replicas available` };
  if ((s.replicas ?? desired) > desired) return { available: false, problem: 'old replicas are still terminating' };
  return { available: true };
}

export async function readHealth(
  client: KubeClient,
  resource: Resource,
  namespace: string,
  name: string,
): Promise<Health> {
  const w = await client.tryGet<WorkloadObject>(resource, namespace, name);
  if (!w) return { available: false, restarts: 0, problem: `${resource.kind} ${namespace}/${name} does not exist` };
  const selector = Object.entries(w.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = selector ? (await client.list<PodObject>(core.pods, { namespace, labelSelector: selector })).items : [];
  const restarts = pods
    .filter((p) => !p.metadata.deletionTimestamp)
    .reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + c.restartCount, 0), 0);
  return { ...workloadAvailable(w), restarts };
}
