// Reads the Goal's world before deciding: the target workload, its pods (when
// diagnosing), the RiskPolicy, and whether the namespace is protected.
import { hasCode } from '../../api/errors.js';
import type { GoalSpec } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { GoalActual, PodState, Workload } from '../../agents/goal/actual.js';
import type { KubeClient } from '../../kube/client.js';
import { bosunResource, core } from '../../kube/resources.js';
import { builtInPolicy, type EffectivePolicy } from '../../policy/decision.js';
import { resolveTarget } from '../../tools/kubernetes/target.js';

export const PROTECTED_LABEL = 'bosun.dev/protected';

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

export const riskPolicyResource = bosunResource(kindInfo('RiskPolicy'));

/** Where RiskPolicies are read from: the informer cache in the operator. */
export interface PolicyCache {
  get(namespace: string | undefined, name: string): KubeObject | undefined;
}

/**
 * The RiskPolicy for a Goal: spec.riskPolicyRef, else "default" in the Goal's
 * namespace, else "default" in the operator's namespace, else the built-in one.
 * Returns undefined when an explicitly named policy does not exist.
 */
export function loadPolicy(
  policies: PolicyCache,
  namespace: string,
  ref: string | undefined,
  operatorNamespace: string,
): EffectivePolicy | undefined {
  const candidates: [string, string][] = ref
    ? [[namespace, ref]]
    : [
        [namespace, 'default'],
        [operatorNamespace, 'default'],
      ];
  for (const [ns, name] of candidates) {
    const obj = policies.get(ns, name) as (KubeObject & { spec?: unknown }) | undefined;
    if (obj)
      return {
        source: `RiskPolicy ${ns}/${name}`,
        spec: RiskPolicySpec.parse(obj.spec ?? {}),
        version: `${ns}/${name}@${obj.metadata.resourceVersion ?? ''}`,
      };
  }
  return ref ? undefined : builtInPolicy;
}

export async function namespaceIsProtected(client: KubeClient, namespace: string): Promise<boolean> {
  try {
    const ns = await client.get(core.namespaces, undefined, namespace);
    return ns.metadata.labels?.[PROTECTED_LABEL] === 'true';
  } catch (err) {
    if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) return false;
    throw err;
  }
}
