// Planning a Goal: the RiskPolicy, the rule or model planner, namespace
// confinement, the registry's checks, risk and policy, and the preflight
// (authority, executor, dry-run) before the plan is shown to anyone.
import type { Goal, GoalStatus } from '../../api/v1alpha1/goal.js';
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import type { PlanInput } from '../../agents/agent.js';
import type { GoalActual } from '../../agents/goal/actual.js';
import { goalAsk } from '../../agents/goal/ask.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { actionId, gateFor } from '../../engine/subject.js';
import { decidePlan } from '../../engine/plan.js';
import { stalledStatus, waitingStatus } from '../../engine/status.js';
import type { GoalReconcilerDeps } from './deps.js';
import { goalKind } from './kind.js';
import { gatherEvidence } from '../../engine/model/evidence.js';
import type { ModelBrief } from '../../engine/model/agent.js';
import { propose } from '../../engine/propose.js';
import { gatherActual } from './gather.js';
import { loadPolicy } from '../../engine/policy.js';
import type { KubeClient } from '../../kube/client.js';
import type { KindMapper } from '../../kube/discovery.js';

/** How often a Goal waiting for a ModelProvider looks again (Bosun does not watch ModelProviders). */
export const PROVIDER_RECHECK_MS = 60_000;

/** What the model is asked for a Goal (its intent or free text), and the namespace's read-only evidence. */
export function goalModelBrief(
  deps: { client: KubeClient; mapper: KindMapper },
  tools: readonly AnyTool[],
): ModelBrief<Goal, GoalActual> {
  const { client, mapper } = deps;
  return {
    ask: ({ subject }: PlanInput<Goal, GoalActual>) => goalAsk(subject),
    evidence: ({ subject, registry }: PlanInput<Goal, GoalActual>) =>
      gatherEvidence(registry, { client, reader: client, mapper }, subject.metadata.namespace ?? ''),
    tools,
  };
}

/**
 * Plans a Goal: a new status, or how long to wait before planning can go on (the provider's tokens per minute,
 * with the status unchanged; or a ModelProvider to be set up, with the status that says so).
 */
export function goalPlanner(deps: GoalReconcilerDeps, tools: readonly AnyTool[]) {
  const { client, store, log } = deps;
  return async function plan(goal: Goal, now: Date): Promise<GoalStatus | { waitMs: number; status?: GoalStatus }> {
    const namespace = goal.metadata.namespace ?? '';
    const prev = goal.status ?? {};
    const policy = loadPolicy(deps.policies, namespace, goal.spec.riskPolicyRef, deps.operatorNamespace);
    if (!policy) {
      return stalledStatus(
        goal,
        {
          reason: GoalReason.RiskPolicyNotFound,
          message: `RiskPolicy ${namespace}/${goal.spec.riskPolicyRef} does not exist: create it, or remove spec.riskPolicyRef`,
        },
        now,
      );
    }
    const unknown = (goal.spec.tools ?? []).filter((t) => !tools.some((x) => x.name === t));
    if (unknown.length) {
      return stalledStatus(
        goal,
        {
          reason: GoalReason.UnknownTool,
          message: `spec.tools names ${unknown.join(', ')}, which is not a tool: use ${tools.map((t) => t.name).join(', ')}`,
        },
        now,
      );
    }
    const actual = await gatherActual(client, namespace, goal.spec);
    const registry = new ToolRegistry(tools);
    const gate = gateFor(goal, policy);
    const input = { subject: goal, facts: actual, policy, registry, gate, now };
    const uid = goal.metadata.uid ?? '';
    /** What the model answered, in the Goal's action log (once per generation). */
    const logModel = (what: string, action: string, detail: Record<string, unknown>) =>
      store.appendAction({
        kind: 'Goal',
        namespace,
        name: goal.metadata.name,
        uid,
        id: actionId(uid, goal.metadata.generation, what),
        action,
        detail,
      });
    const { proposal, fromModel, fellBack, usage } = await propose({ rules: deps.agent, model: deps.model }, input, {
      model: goal.spec.planner === 'llm',
      // the rule planner plans typed intents only
      fallBack: policy.spec.llmFallback === 'rules' && !!goal.spec.intent,
    });
    // every round paid for is counted, whatever came of it
    const cost =
      usage && usage.inputTokens + usage.outputTokens > 0
        ? {
            tokens: (prev.cost?.tokens ?? 0) + usage.inputTokens + usage.outputTokens,
            usd: (prev.cost?.usd ?? 0) + usage.usd,
          }
        : prev.cost;
    let proposed: ExecutionPlan | undefined;
    if ('waitMs' in proposal) {
      log.debug({ namespace, name: goal.metadata.name, waitMs: proposal.waitMs }, proposal.why);
      // a provider that is down: the Goal waits, saying so in words that do not change from call to call
      if (proposal.unavailable)
        return {
          status: { ...waitingStatus(goal, proposal.unavailable, now), ...(cost && { cost }) },
          waitMs: proposal.waitMs,
        };
      return { waitMs: proposal.waitMs, ...(cost !== prev.cost && { status: { ...prev, cost } }) };
    } else if (
      'stall' in proposal &&
      fromModel &&
      (proposal.stall.reason === GoalReason.NoModelProvider ||
        proposal.stall.reason === GoalReason.ModelEndpointNotAllowed)
    ) {
      // nothing in the spec is wrong: the Goal waits, saying how to set a provider up, and looks again
      return { status: waitingStatus(goal, proposal.stall, now), waitMs: PROVIDER_RECHECK_MS };
    } else if ('stall' in proposal) {
      if (proposal.answers)
        await logModel('model-answers', 'ModelAnswersRejected', { answers: proposal.answers, usage: proposal.usage });
      return { ...stalledStatus(goal, proposal.stall, now), ...(cost && { cost }) };
    } else if (fromModel) {
      proposed = proposal.plan;
      deps.crashpoint?.('after-model');
      await logModel('model-call', 'ModelCall', {
        provider: usage?.provider,
        model: usage?.model,
        inputTokens: usage?.inputTokens,
        outputTokens: usage?.outputTokens,
        usd: usage?.usd,
        redacted: proposal.redacted,
      });
    } else {
      proposed = fellBack
        ? {
            ...proposal.plan,
            reasoning:
              'the model could not be reached, so the rule planner planned (RiskPolicy llmFallback: rules): ' +
              proposal.plan.reasoning,
          }
        : proposal.plan;
    }
    if (!proposed) throw new TypeError('planning ended without a plan or a stall'); // a bug, not an outcome
    const { status, fresh } = await decidePlan(
      deps,
      goalKind,
      goal,
      { proposed, registry, gate, policy, target: actual.target, fromModel },
      now,
    );
    // a new plan clears what an earlier diagnosis found
    return { ...status, ...(fresh && { findings: undefined }), ...(cost && { cost }) };
  };
}
