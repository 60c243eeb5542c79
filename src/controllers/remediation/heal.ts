// How the Remediation controller gets a heal: read the evidence, have the Heal
// agent diagnose it (once, for whichever planner heals), then ask the planner
// the Remediation chose (the Heal agent's playbooks, or the model agent) for a
// plan through the one Agent contract; or learn why there is none.
import type { Agent } from '../../agents/agent.js';
import type { HealFacts } from '../../agents/heal/agent.js';
import { diagnose } from '../../agents/heal/diagnose.js';
import type { LastChange } from '../../agents/heal/evidence.js';
import { targetStateOf } from '../../agents/heal/target-state.js';
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import type { HealPolicy } from '../../api/v1alpha1/risk-policy.js';
import { loadPolicy, type PolicyCache } from '../../engine/policy.js';
import { propose } from '../../engine/propose.js';
import { gateFor } from '../../engine/subject.js';
import type { KubeClient } from '../../kube/client.js';
import { builtInPolicy } from '../../policy/decision.js';
import type { Redactor } from '../../redact/index.js';
import type { TargetChange } from '../../store/state-store.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { TargetState } from '../../tools/tool.js';
import { gatherHealEvidence } from './evidence.js';

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

/** The kinds whose plans a diagnosis names as the target's last change. */
const CHANGERS: readonly string[] = ['Goal', 'PipelineRun', 'Remediation'];

export interface HealerDeps {
  client: KubeClient;
  policies: PolicyCache;
  operatorNamespace: string;
  now: () => Date;
  /** what diagnosis findings are redacted with (Secret values read, credential patterns) */
  redactor?: Redactor;
  /** the Heal agent (playbooks), and the model agent for spec.planner: llm */
  rules: Agent<Remediation, HealFacts>;
  model?: Agent<Remediation, HealFacts>;
}

export function healer(deps: HealerDeps): Healer {
  return async (rem, ctx) => {
    const namespace = rem.metadata.namespace ?? '';
    const { kind, name } = rem.spec.targetRef;
    const change = ctx.lastChange;
    const lastChange =
      change && CHANGERS.includes(change.kind)
        ? { kind: change.kind as LastChange['kind'], name: change.name, at: change.at }
        : undefined;
    const evidence = await gatherHealEvidence(deps.client, { namespace, kind, name }, { lastChange });
    const now = deps.now();
    const d = diagnose(evidence, now, { redactor: deps.redactor });
    const diagnosis: Diagnosis = { evidence: d.findings, symptom: d.symptom, hypothesis: d.hypothesis };
    const policy =
      loadPolicy(deps.policies, namespace, rem.spec.riskPolicyRef, deps.operatorNamespace) ?? builtInPolicy;
    const facts: HealFacts = {
      evidence,
      diagnosis: d,
      tried: ctx.tried,
      limits: { maxMemory: ctx.policy.maxMemory, memoryFactor: ctx.policy.memoryFactor },
    };
    const registry = new ToolRegistry(deps.rules.tools());
    const input = { subject: rem, facts, policy, registry, gate: gateFor(rem, policy), now };
    const { proposal, fromModel, usage } = await propose({ rules: deps.rules, model: deps.model }, input, {
      model: rem.spec.planner === 'llm',
      fallBack: policy.spec.llmFallback === 'rules',
    });
    const cost = usage && { tokens: usage.inputTokens + usage.outputTokens, usd: usage.usd };
    if ('plan' in proposal)
      return {
        diagnosis,
        plan: proposal.plan,
        playbook: fromModel ? 'model' : (proposal.playbook ?? 'none'),
        target: targetStateOf(evidence),
        ...(fromModel && { fromModel: true as const }),
        cost,
      };
    if ('waitMs' in proposal)
      return { diagnosis, waitMs: proposal.waitMs, why: proposal.unavailable?.message ?? proposal.why, cost };
    // no playbook fits; or the model could not plan this (no provider, a budget, an answer that failed its
    // checks): a person takes over
    const escalate = fromModel
      ? `the model planner could not heal this: ${proposal.stall.message}`
      : proposal.stall.message;
    return { diagnosis, escalate, cost };
  };
}
