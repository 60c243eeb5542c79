// Planning a Goal: the RiskPolicy, the rule or model planner, namespace
// confinement, the registry's checks, risk and policy, and the preflight
// (authority, executor, dry-run) before the plan is shown to anyone.
import type { Goal, GoalStatus } from '../../api/v1alpha1/goal.js';
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import { PlanningError } from '../../agents/agent.js';
import { goalAsk } from '../../agents/goal/ask.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { actionId, gateFor } from '../../engine/subject.js';
import { decidePlan } from '../../engine/plan.js';
import { stalledStatus, waitingStatus } from '../../engine/status.js';
import type { GoalReconcilerDeps } from './deps.js';
import { goalKind } from './kind.js';
import { gatherEvidence } from '../../engine/model/evidence.js';
import { planWithModel } from '../../engine/model/plan.js';
import { gatherActual } from './gather.js';
import { loadPolicy } from '../../engine/policy.js';
import type { Stall } from './validate.js';

/** How often a Goal waiting for a ModelProvider looks again (Bosun does not watch ModelProviders). */
export const PROVIDER_RECHECK_MS = 60_000;

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
    let fromModel = goal.spec.planner === 'llm';
    let proposed: ExecutionPlan | undefined;
    let cost = prev.cost;
    if (fromModel) {
      const outcome = await planWithModel({
        client,
        subject: goal,
        ask: goalAsk(goal),
        policy,
        registry,
        gate,
        operatorNamespace: deps.operatorNamespace,
        evidence: () => gatherEvidence(registry, { client, reader: client, mapper: deps.mapper }, namespace),
        store,
        secrets: deps.secrets,
        now,
        endpoints: deps.modelEndpoints,
        calls: deps.modelCalls,
      });
      // every round paid for is counted, whatever came of it
      if (outcome.usage && outcome.usage.inputTokens + outcome.usage.outputTokens > 0) {
        cost = {
          tokens: (cost?.tokens ?? 0) + outcome.usage.inputTokens + outcome.usage.outputTokens,
          usd: (cost?.usd ?? 0) + outcome.usage.usd,
        };
        deps.onLlmUsage?.(outcome.usage, namespace);
      }
      const fallBack = 'unavailable' in outcome && policy.spec.llmFallback === 'rules' && goal.spec.intent;
      if (fallBack) {
        fromModel = false; // the policy allows the rule planner when the model is down
      } else if ('waitMs' in outcome) {
        log.debug({ namespace, name: goal.metadata.name, waitMs: outcome.waitMs }, outcome.why);
        // a provider that is down: the Goal waits, saying so in words that do not change from call to call
        if (outcome.unavailable)
          return {
            status: { ...waitingStatus(goal, outcome.unavailable, now), ...(cost && { cost }) },
            waitMs: outcome.waitMs,
          };
        return { waitMs: outcome.waitMs, ...(cost !== prev.cost && { status: { ...prev, cost } }) };
      } else if (
        'stall' in outcome &&
        (outcome.stall.reason === GoalReason.NoModelProvider ||
          outcome.stall.reason === GoalReason.ModelEndpointNotAllowed)
      ) {
        // nothing in the spec is wrong: the Goal waits, saying how to set a provider up, and looks again
        return { status: waitingStatus(goal, outcome.stall, now), waitMs: PROVIDER_RECHECK_MS };
      } else if ('stall' in outcome) {
        if (outcome.answers) {
          const uid = goal.metadata.uid ?? '';
          await store.appendAction({
            kind: 'Goal',
            namespace,
            name: goal.metadata.name,
            uid,
            id: actionId(uid, goal.metadata.generation, 'model-answers'),
            action: 'ModelAnswersRejected',
            detail: { answers: outcome.answers, usage: outcome.usage },
          });
        }
        return { ...stalledStatus(goal, outcome.stall, now), ...(cost && { cost }) };
      } else {
        proposed = outcome.plan;
        deps.crashpoint?.('after-model');
        const uid = goal.metadata.uid ?? '';
        await store.appendAction({
          kind: 'Goal',
          namespace,
          name: goal.metadata.name,
          uid,
          id: actionId(uid, goal.metadata.generation, 'model-call'),
          action: 'ModelCall',
          detail: {
            provider: outcome.usage.provider,
            model: outcome.usage.model,
            inputTokens: outcome.usage.inputTokens,
            outputTokens: outcome.usage.outputTokens,
            usd: outcome.usage.usd,
            redacted: outcome.redacted,
          },
        });
      }
    }
    if (!fromModel) {
      try {
        proposed = await deps.agent.plan({ namespace }, goal.spec, actual);
        if (goal.spec.planner === 'llm')
          proposed = {
            ...proposed,
            reasoning: `the model could not be reached, so the rule planner planned (RiskPolicy llmFallback: rules): ${proposed.reasoning}`,
          };
      } catch (err) {
        if (err instanceof PlanningError)
          return stalledStatus(
            goal,
            { reason: err.reason as Stall['reason'], message: err.message.replace(/^BOSUN_ERR_\w+: /, '') },
            now,
          );
        throw err;
      }
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
