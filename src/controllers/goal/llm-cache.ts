// The plan cache: a plan the model made is kept in Bosun's etcd, so that a
// requeue or a restart does not ask (and pay) for it again. It is keyed on what
// decides the plan (the Goal, its spec, the model, and what the RiskPolicy puts
// into the request: the tools offered, the redaction, the step limit), never on
// the evidence: Events and pod text change all the time, and a new key for each
// would ask the model again on every churn. Nor on the rest of the RiskPolicy:
// an edit to its levels or approvers is judged on the plan already made.
// A Goal's cached plans are deleted with the Goal.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../api/canonical.js';
import type { GoalSpec } from '../../api/v1alpha1/goal.js';
import type { ResourceKey, StateStore } from '../../store/state-store.js';

export const PLAN_CACHE_KIND = 'LlmPlan';

export interface PlanCacheInput {
  /** the Goal's UID: a Goal deleted and made again is asked for afresh */
  uid: string;
  spec: Pick<GoalSpec, 'goal' | 'intent' | 'targetNamespace' | 'allowChanges' | 'tools' | 'modelTier' | 'budget'>;
  provider: string;
  model: string;
  /** the names of the tools offered to the model */
  tools: readonly string[];
  /** what the RiskPolicy puts into the request besides the tools offered */
  request: { redact: readonly string[]; maxSteps: number };
}

export function planCacheKey(input: PlanCacheInput): string {
  const { goal, intent, targetNamespace, allowChanges, tools, modelTier, budget } = input.spec;
  const decides = {
    uid: input.uid,
    spec: { goal, intent, targetNamespace, allowChanges, tools, modelTier, budget },
    provider: input.provider,
    model: input.model,
    offered: [...input.tools].sort(),
    request: { redact: [...input.request.redact].sort(), maxSteps: input.request.maxSteps },
  };
  return createHash('sha256').update(canonicalJson(decides)).digest('hex').slice(0, 32);
}

/** Where a Goal's plans are kept: one folder per Goal UID, so that they go with it. */
export const planCacheRef = (namespace: string, uid: string, key: string): ResourceKey => ({
  kind: PLAN_CACHE_KIND,
  namespace,
  name: `${uid}/${key}`,
});

/** Deletes every plan cached for the Goal with this UID; returns how many there were. */
export async function forgetPlans(
  store: Pick<StateStore, 'deleteSnapshots'>,
  namespace: string,
  uid: string,
): Promise<number> {
  if (!uid) return 0;
  return store.deleteSnapshots({ kind: PLAN_CACHE_KIND, namespace, name: `${uid}/` });
}
