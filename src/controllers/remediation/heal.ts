// What the Remediation controller asks of a heal planner: read the evidence,
// diagnose, and propose a plan or say why there is none. The rule playbooks and
// the model both answer through this.
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import type { HealPolicy } from '../../api/v1alpha1/risk-policy.js';
import type { TargetChange } from '../../store/state-store.js';
import type { TargetState } from '../../tools/tool.js';

export interface Diagnosis {
  evidence: { source: string; summary: string }[];
  symptom?: string;
  hypothesis?: string;
}

export interface HealContext {
  /** playbooks tried on this issue before, oldest first */
  tried: readonly string[];
  policy: HealPolicy;
  /** the last change a Bosun plan made to the target */
  lastChange?: TargetChange;
}

/** What the model cost (a model heal), for status.cost and the metrics. */
export interface HealCost {
  tokens: number;
  usd: number;
}

export type HealProposal = (
  | { diagnosis: Diagnosis; plan: ExecutionPlan; playbook: string; target?: TargetState | null; fromModel?: true }
  | { diagnosis: Diagnosis; escalate: string }
  /** ask again after `waitMs` (the model is being asked, or its provider has no room now); `why` for Ready */
  | { diagnosis: Diagnosis; waitMs: number; why: string }
) & { cost?: HealCost };

export type Healer = (remediation: Remediation, ctx: HealContext) => Promise<HealProposal>;
