// Which RiskPolicy governs a subject, and whether its namespace is protected:
// the same for every kind that plans (a Goal, a Remediation, a PipelineRun), read from the
// shared informer cache.
import { hasCode } from '../api/errors.js';
import { kindInfo } from '../api/v1alpha1/kinds.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { RiskPolicySpec } from '../api/v1alpha1/risk-policy.js';
import type { KubeClient } from '../kube/client.js';
import { bosunResource, core } from '../kube/resources.js';
import { builtInPolicy, type EffectivePolicy } from '../policy/decision.js';

/** A namespace labelled so is protected: every plan acting in it is high risk at least. */
export const PROTECTED_LABEL = 'bosun.dev/protected';

export const riskPolicyResource = bosunResource(kindInfo('RiskPolicy'));

/** Where RiskPolicies are read from: the informer cache in the operator. */
export interface PolicyCache {
  get(namespace: string | undefined, name: string): KubeObject | undefined;
}

/**
 * The RiskPolicy for a subject: its riskPolicyRef, else "default" in its
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
