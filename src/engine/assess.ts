// From a proposed plan to a decided one: every step checked by the registry,
// scored by the risk chain, hashed, and judged by policy. Pure.
import { BosunError } from '../api/errors.js';
import type { PlanStep } from '../api/v1alpha1/common.js';
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import { decide, type EffectivePolicy, type PolicyDecision } from '../policy/decision.js';
import { planHash } from '../policy/plan-hash.js';
import { planRisk, scoreStep } from '../policy/risk.js';
import type { Gate, ToolRegistry } from '../tools/registry.js';
import type { TargetState } from '../tools/tool.js';
import type { Stall } from './subject.js';

export interface PlanInput {
  proposed: ExecutionPlan;
  registry: ToolRegistry;
  gate: Gate;
  policy: EffectivePolicy;
  namespace: string;
  namespaceProtected: boolean;
  /** the target as gathered (replicas, images, revision): what tools size their impact and undo from */
  target?: TargetState | null;
  /** the plan came from a model: policy's llmStepRiskFloor applies */
  fromModel?: boolean;
}

export interface DecidedPlan {
  hash: string;
  steps: PlanStep[];
  risk: PlanStep['risk'];
  reasoning: string;
  reasons: string[];
  decision: PolicyDecision;
}

const REASON_BY_CODE: Record<string, string> = {
  BOSUN_ERR_TOOL_UNKNOWN: 'UnknownTool',
  BOSUN_ERR_TOOL_NOT_ALLOWED: 'ToolNotAllowed',
  BOSUN_ERR_TOOL_DENIED: 'ToolDenied',
  BOSUN_ERR_TOOL_PARAMS: 'InvalidParams',
};

export function assessPlan(input: PlanInput): { plan: DecidedPlan } | { stall: Stall } {
  const { proposed, registry, gate, policy, namespace } = input;
  const reasons = new Set<string>();
  const steps: PlanStep[] = [];
  for (const [i, s] of proposed.steps.entries()) {
    let checked;
    try {
      checked = registry.check(s, gate); // the params kept are what the tool's schema parsed, no more
    } catch (err) {
      if (err instanceof BosunError)
        return {
          stall: {
            reason: REASON_BY_CODE[err.code] ?? 'InvalidPlan',
            message: `step ${i + 1}: ${err.message.replace(/^BOSUN_ERR_\w+: /, '')}`,
          },
        };
      throw err;
    }
    // what the step touches, as its tool says: no tool is named here
    const impact = registry.impact(s, { replicas: input.target?.replicas ?? 0 });
    const undo = registry.undo({ ...s, params: checked.params }, input.target);
    const verdict = scoreStep({
      tool: s.tool,
      baseRisk: checked.tool.risk,
      effect: checked.tool.effect,
      reversible: checked.tool.reversible,
      namespace,
      protectedNamespaces: policy.spec.protectedNamespaces,
      namespaceLabelProtected: input.namespaceProtected,
      objectsTouched: impact.objects,
      replicaDelta: impact.pods,
      llmFloor: input.fromModel ? policy.spec.llmStepRiskFloor : undefined,
      content: registry.content(s),
    });
    const risk = verdict.risk;
    for (const r of verdict.reasons) reasons.add(r);
    steps.push({
      tool: s.tool,
      when: s.when,
      params: checked.params,
      description: s.description,
      reasoning: s.reasoning,
      ...(undo && { undo }),
      risk,
      state: 'Pending',
      attempt: 0,
    });
  }
  const risk = planRisk(steps);
  const decision = decide({ risk, steps }, policy);
  return {
    plan: { hash: planHash(steps), steps, risk, reasoning: proposed.reasoning, reasons: [...reasons], decision },
  };
}
