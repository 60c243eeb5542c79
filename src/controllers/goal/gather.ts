// Reads the Goal's world before deciding: the target workload and its pods
// (when diagnosing). The RiskPolicy and namespace protection are the plan
// engine's (src/engine/policy.ts).
import type { GoalSpec } from '../../api/v1alpha1/goal.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { GoalActual, PodState, Workload } from '../../agents/goal/actual.js';
import type { KubeClient } from '../../kube/client.js';
import { core } from '../../kube/resources.js';
import { resolveTarget } from '../../tools/kubernetes/target.js';

interface WorkloadObject extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: { name: string; image: string }[] } };
  };
  status?: { availableReplicas?: number };
}

interface PodObject extends KubeObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready: boolean;
      restartCount: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
    }[];
  };
}

export async function gatherActual(client: KubeClient, namespace: string, spec: GoalSpec): Promise<GoalActual> {
  const target = spec.intent?.target;
  if (!target) return {};
  const { resource, name } = resolveTarget(target);
  const obj = await client.tryGet<WorkloadObject>(resource, namespace, name);
  if (!obj) return { target: null };
  const revision = Number(obj.metadata.annotations?.['deployment.kubernetes.io/revision']);
  const workload: Workload = {
    kind: resource.kind.toLowerCase(),
    name,
    replicas: obj.spec?.replicas ?? 1,
    revision: Number.isFinite(revision) && revision > 0 ? revision : undefined,
    containers: obj.spec?.template?.spec?.containers?.map((c) => ({ name: c.name, image: c.image })) ?? [],
    available: obj.status?.availableReplicas ?? 0,
  };
  if (spec.intent?.type !== 'diagnose') return { target: workload };
  const selector = Object.entries(obj.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const { items } = selector
    ? await client.list<PodObject>(core.pods, { namespace, labelSelector: selector })
    : { items: [] };
  return { target: workload, pods: items.map(podState) };
}

function podState(p: PodObject): PodState {
  const statuses = p.status?.containerStatuses ?? [];
  const bad = statuses.find((c) => !c.ready);
  return {
    name: p.metadata.name,
    phase: p.status?.phase ?? 'Unknown',
    ready: p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
    restarts: statuses.reduce((n, c) => n + c.restartCount, 0),
    reason: bad?.state?.waiting?.reason ?? bad?.state?.terminated?.reason,
    container: bad?.name,
  };
}
