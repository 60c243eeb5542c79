// The kinds this version of Bosun accepts and validates but does not act on
// yet: what their status says, so that `kubectl describe` explains why nothing
// happens instead of showing no status at all (which kstatus would read as
// Current). Pure.
import type { Condition } from '../../api/v1alpha1/common.js';
import { ConditionType } from '../../api/v1alpha1/reasons.js';
import { setCondition } from '../../runtime/conditions.js';

export const NOT_SERVED = 'NotServed';

/** What each kind would do, and what was (not) done. */
export const unservedKinds = {
  Pipeline: {
    phase: undefined,
    message: 'this version of Bosun stores and validates Pipelines but does not run them yet: no run was started',
  },
  PipelineRun: {
    phase: 'Pending',
    message: 'this version of Bosun stores and validates PipelineRuns but does not run them yet: no stage was started',
  },
} as const;
export type UnservedKind = keyof typeof unservedKinds;

export interface UnservedStatus {
  observedGeneration?: number;
  phase?: string;
  conditions?: Condition[];
}

/** The status an object of an unserved kind gets: it waits for a Bosun that serves it (Stalled, with why). */
export function notServedStatus(
  kind: UnservedKind,
  prev: UnservedStatus | undefined,
  generation: number | undefined,
  now: Date,
): UnservedStatus {
  const { phase, message } = unservedKinds[kind];
  let conditions = setCondition(
    prev?.conditions,
    { type: ConditionType.Ready, status: 'False', reason: NOT_SERVED, message },
    now,
    generation,
  );
  conditions = setCondition(
    conditions,
    { type: ConditionType.Stalled, status: 'True', reason: NOT_SERVED, message },
    now,
    generation,
  );
  return {
    ...prev,
    ...(generation !== undefined && { observedGeneration: generation }),
    ...(phase && { phase }),
    conditions,
  };
}
