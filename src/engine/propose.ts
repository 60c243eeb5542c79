// Asking a subject's planner for a proposal: the rule agent or the model agent,
// through the one Agent contract. When the model cannot be reached and the kind
// allows it (the RiskPolicy's llmFallback: rules, for a subject the rules can
// plan), the rule agent plans instead; what the model was paid still counts.
import type { Agent, PlanInput, Proposal } from '../agents/agent.js';
import type { LlmUsage } from '../llm/model.js';
import { PlanReason } from '../api/v1alpha1/reasons.js';

export interface Planners<S, F> {
  rules: Agent<S, F>;
  /** absent: this operator runs without a model planner */
  model?: Agent<S, F>;
}

export interface Proposed {
  proposal: Proposal;
  /** the model was asked, and the proposal is its own (the rules did not take over) */
  fromModel: boolean;
  /** the model could not be reached, so the rules planned */
  fellBack: boolean;
  /** what the model was paid, whoever planned in the end */
  usage?: LlmUsage;
}

export async function propose<S, F>(
  planners: Planners<S, F>,
  input: PlanInput<S, F>,
  opts: { model: boolean; fallBack: boolean },
): Promise<Proposed> {
  if (!opts.model) return { proposal: await planners.rules.plan(input), fromModel: false, fellBack: false };
  if (!planners.model)
    return {
      proposal: {
        stall: {
          reason: PlanReason.NoModelProvider,
          message: 'this operator runs without a model planner: use spec.planner: rules',
        },
      },
      fromModel: true,
      fellBack: false,
    };
  const proposal = await planners.model.plan(input);
  const usage = proposal.usage;
  if ('waitMs' in proposal && proposal.unavailable && opts.fallBack)
    return { proposal: await planners.rules.plan(input), fromModel: false, fellBack: true, usage };
  return { proposal, fromModel: true, fellBack: false, usage };
}
