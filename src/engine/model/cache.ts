// The plan cache: a plan the model made is kept in Bosun's etcd, so that a
// requeue or a restart does not ask (and pay) for it again. It is keyed on what
// decides the plan (the subject, its spec, the model, and what the RiskPolicy puts
// into the request: the tools offered, the redaction, the step limit), never on
// the evidence: Events and pod text change all the time, and a new key for each
// would ask the model again on every churn. Nor on the rest of the RiskPolicy:
// an edit to its levels or approvers is judged on the plan already made.
// A subject's cached plans are deleted with it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../api/canonical.js';
import type { ResourceKey, StateStore } from '../../store/state-store.js';

export const PLAN_CACHE_KIND = 'LlmPlan';

export interface PlanCacheInput {
  /** the subject's UID: one deleted and made again is asked for afresh */
  uid: string;
  /** the parts of the subject's spec that decide the plan */
  decides: Record<string, unknown>;
  provider: string;
  model: string;
  /** the names of the tools offered to the model */
  tools: readonly string[];
  /** what the RiskPolicy puts into the request besides the tools offered */
  request: { redact: readonly string[]; maxSteps: number };
}

export function planCacheKey(input: PlanCacheInput): string {
  const decides = {
    uid: input.uid,
    spec: input.decides,
    provider: input.provider,
    model: input.model,
    offered: [...input.tools].sort(),
    request: { redact: [...input.request.redact].sort(), maxSteps: input.request.maxSteps },
  };
  return createHash('sha256').update(canonicalJson(decides)).digest('hex').slice(0, 32);
}

/** Where a subject's plans are kept: one folder per UID, so that they go with it. */
export const planCacheRef = (namespace: string, uid: string, key: string): ResourceKey => ({
  kind: PLAN_CACHE_KIND,
  namespace,
  name: `${uid}/${key}`,
});

/** Deletes every plan cached for the subject with this UID; returns how many there were. */
export async function forgetPlans(
  store: Pick<StateStore, 'deleteSnapshots'>,
  namespace: string,
  uid: string,
): Promise<number> {
  if (!uid) return 0;
  return store.deleteSnapshots({ kind: PLAN_CACHE_KIND, namespace, name: `${uid}/` });
}
