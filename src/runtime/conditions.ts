// Condition helpers (kstatus / metav1.Condition): pure, with the time passed in.
import type { Condition, ConditionStatus } from '../api/v1alpha1/common.js';
import { timestamp } from '../api/v1alpha1/common.js';

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Returns the conditions with `c` set. lastTransitionTime is kept unless the
 * status flips, so a condition whose reason or message changes does not look
 * like a new transition, and an unchanged one does not change at all.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  c: ConditionInput,
  now: Date,
  observedGeneration?: number,
): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const prior = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastTransitionTime: prior && prior.status === c.status ? prior.lastTransitionTime : timestamp(now),
    ...(observedGeneration !== undefined && { observedGeneration }),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export const isTrue = (conditions: readonly Condition[] | undefined, type: string) =>
  getCondition(conditions, type)?.status === 'True';
