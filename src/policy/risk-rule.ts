// The shape of a risk rule and of what it reads. Kept apart from the chain
// (risk.ts) so that rules in their own files can share it without a cycle.
import type { RiskLevel } from '../api/v1alpha1/common.js';

export type Effect = 'read' | 'mutate' | 'destroy';

export interface StepRiskInput {
  tool: string;
  /** the tool's own base risk */
  baseRisk: RiskLevel;
  effect: Effect;
  reversible: boolean;
  namespace: string;
  /** namespaces the RiskPolicy protects, and whether the namespace carries bosun.dev/protected=true */
  protectedNamespaces: readonly string[];
  namespaceLabelProtected: boolean;
  /** objects the step touches, and pods added or removed (replica delta) */
  objectsTouched: number;
  replicaDelta: number;
  /** the step was proposed by a model: policy sets a floor */
  llmFloor?: RiskLevel;
  /**
   * The objects the step will write: the manifests of an apply, or a merge-patch body as a
   * partial object, each with apiVersion/kind when known. Untrusted: may be any shape.
   */
  content?: readonly unknown[];
}

export interface RiskVerdict {
  risk: RiskLevel;
  reasons: string[];
}

/** What a rule says: the risk so far (never lower), and why it raised it (one reason, or several). */
export interface RuleOutcome {
  risk: RiskLevel;
  reason?: string;
  reasons?: readonly string[];
}

export type RiskRule = (input: StepRiskInput, current: RiskLevel) => RuleOutcome;
