// What policy does with a plan: run it, hold it for approval, or deny it,
// naming the rule that decided.
import type { RiskLevel } from '../api/v1alpha1/common.js';
import type { RiskPolicySpec } from '../api/v1alpha1/risk-policy.js';
import { RiskPolicySpec as RiskPolicySchema } from '../api/v1alpha1/risk-policy.js';

export interface EffectivePolicy {
  /** where it came from: "demo/default", or "the built-in default" */
  source: string;
  spec: RiskPolicySpec;
  /** changes whenever the policy does (name@resourceVersion) */
  version?: string;
}

/** Used when neither the Goal's namespace nor the operator's has a RiskPolicy. */
export const builtInPolicy: EffectivePolicy = {
  source: 'the built-in default policy',
  spec: RiskPolicySchema.parse({}),
  version: 'built-in',
};

export type PolicyDecision =
  { action: 'auto'; rule: string } | { action: 'approve'; rule: string } | { action: 'deny'; rule: string };

export function decide(
  plan: { risk: RiskLevel; steps: readonly { tool: string }[] },
  policy: EffectivePolicy,
): PolicyDecision {
  const { spec, source } = policy;
  const denied = plan.steps.find((s) => spec.tools.deny.includes(s.tool));
  if (denied) return { action: 'deny', rule: `tool ${denied.tool} is denied by ${source} (spec.tools.deny)` };
  const allow = spec.tools.allow;
  const unlisted = allow ? plan.steps.find((s) => !allow.includes(s.tool)) : undefined;
  if (unlisted) return { action: 'deny', rule: `tool ${unlisted.tool} is not in ${source}'s spec.tools.allow` };
  const max = spec.budgets?.maxStepsPerPlan;
  if (max !== undefined && plan.steps.length > max)
    return {
      action: 'deny',
      rule: `the plan has ${plan.steps.length} steps; ${source} allows ${max} (spec.budgets.maxStepsPerPlan)`,
    };
  const action = spec.levels[plan.risk];
  const rule = `${source} sets spec.levels.${plan.risk}: ${action}`;
  return { action, rule };
}
