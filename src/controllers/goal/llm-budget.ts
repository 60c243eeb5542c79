// LLM budgets, checked before each call, never after: per Goal (tokens, cost)
// and per namespace per day (tokens, cost), counted in Bosun's etcd. Cost is
// counted in micro-dollars, as integers, so that sums do not drift.
import type { Goal } from '../../api/v1alpha1/goal.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { Stall } from './validate.js';

/** The usage counters of one namespace for one (UTC) day. */
export const dailyCounters = (namespace: string, now: Date) => {
  const day = now.toISOString().slice(0, 10);
  return { tokens: `llm-tokens/${namespace}/${day}`, microUSD: `llm-cost-micro-usd/${namespace}/${day}` };
};

export const toMicroUSD = (usd: number): number => Math.round(usd * 1e6);

/** What has been used so far; the namespace figures only where the RiskPolicy sets a daily limit. */
export interface BudgetUse {
  namespaceTokensToday?: number;
  namespaceMicroUSDToday?: number;
}

/** Why the model may not be asked now, or undefined when every budget has room. */
export function budgetStall(goal: Goal, policy: EffectivePolicy, use: BudgetUse): Stall | undefined {
  const namespace = goal.metadata.namespace ?? '';
  const budgets = policy.spec.budgets;
  const used = goal.status?.cost?.tokens ?? 0;
  const limit = Math.min(goal.spec.budget?.maxTokens ?? Infinity, budgets?.maxTokensPerGoal ?? Infinity);
  if (used >= limit)
    return {
      reason: GoalReason.BudgetExceeded,
      message:
        `the Goal has used ${used} of its ${limit} LLM tokens: ` +
        "raise spec.budget.maxTokens (within the RiskPolicy's budgets) to plan again",
    };
  const spent = goal.status?.cost?.usd ?? 0;
  const costLimit = Math.min(goal.spec.budget?.maxCostUSD ?? Infinity, budgets?.maxCostPerGoalUSD ?? Infinity);
  if (spent >= costLimit)
    return {
      reason: GoalReason.BudgetExceeded,
      message:
        `the Goal has spent $${spent.toFixed(4)} of its $${costLimit} on the model: ` +
        "raise spec.budget.maxCostUSD (within the RiskPolicy's budgets) to plan again",
    };
  const dailyTokens = budgets?.maxTokensPerNamespacePerDay;
  const tokensToday = use.namespaceTokensToday ?? 0;
  if (dailyTokens !== undefined && tokensToday >= dailyTokens)
    return {
      reason: GoalReason.BudgetExceeded,
      message:
        `namespace ${namespace} has used ${tokensToday} of its ${dailyTokens} LLM tokens today ` +
        `(${policy.source} spec.budgets.maxTokensPerNamespacePerDay): plan again tomorrow, or raise the budget`,
    };
  const dailyCost = budgets?.maxCostPerNamespacePerDayUSD;
  const microToday = use.namespaceMicroUSDToday ?? 0;
  if (dailyCost !== undefined && microToday >= toMicroUSD(dailyCost))
    return {
      reason: GoalReason.BudgetExceeded,
      message:
        `namespace ${namespace} has spent $${(microToday / 1e6).toFixed(4)} of its $${dailyCost} ` +
        `on the model today (${policy.source} spec.budgets.maxCostPerNamespacePerDayUSD): ` +
        'plan again tomorrow (UTC), or raise the budget',
    };
  return undefined;
}
