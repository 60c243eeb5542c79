// LLM budgets, checked before each call, never after: per subject, a Goal or a
// Remediation (tokens, cost; the RiskPolicy's *PerGoal budgets bound both kinds)
// and per namespace per day (tokens, cost), counted in Bosun's etcd. Cost is
// counted in micro-dollars, as integers, so that sums do not drift. Token
// budgets have defaults: a subject and a RiskPolicy that set none are still
// bounded.
import type { z } from 'zod';
import type { Cost } from '../../api/v1alpha1/common.js';
import type { ObjectMeta } from '../../api/v1alpha1/meta.js';
import { PlanReason } from '../../api/v1alpha1/reasons.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { Stall } from '../subject.js';

/** What the budgets read of a subject: its own budget (spec.budget) and what it has cost so far. */
export interface BudgetSubject {
  kind?: string;
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid'>;
  spec: { budget?: { maxSteps?: number; maxTokens?: number; maxCostUSD?: number } };
  status?: { cost?: z.infer<typeof Cost> };
}

/** The usage counters of one namespace for one (UTC) day. */
export const dailyCounters = (namespace: string, now: Date) => {
  const day = now.toISOString().slice(0, 10);
  return { day, tokens: `llm-tokens/${namespace}/${day}`, microUSD: `llm-cost-micro-usd/${namespace}/${day}` };
};

/** What a namespace's daily budgets have used on `day` (UTC), as Bosun's etcd counted it, for the metrics. */
export interface DailyBudgetUse {
  namespace: string;
  day: string;
  tokens: number;
  tokenLimit: number;
  /** absent: not read (no daily cost limit, and nothing priced yet) */
  microUSD?: number;
  /** absent: the RiskPolicy sets no daily cost limit */
  costLimitUSD?: number;
}

export const toMicroUSD = (usd: number): number => Math.round(usd * 1e6);

/** The token budgets when neither the subject nor its RiskPolicy sets one. */
export const DEFAULT_TOKEN_BUDGETS = { perGoal: 100_000, perNamespacePerDay: 2_000_000 } as const;

/** The subject's and the namespace's token limits, and where each comes from. */
export function tokenLimits(goal: BudgetSubject, policy: EffectivePolicy) {
  const budgets = policy.spec.budgets;
  const set = Math.min(goal.spec.budget?.maxTokens ?? Infinity, budgets?.maxTokensPerGoal ?? Infinity);
  return {
    perGoal: Number.isFinite(set) ? set : DEFAULT_TOKEN_BUDGETS.perGoal,
    perGoalDefault: !Number.isFinite(set),
    perNamespacePerDay: budgets?.maxTokensPerNamespacePerDay ?? DEFAULT_TOKEN_BUDGETS.perNamespacePerDay,
    perNamespaceDefault: budgets?.maxTokensPerNamespacePerDay === undefined,
  };
}

/** How many tokens the next call may use at most: what both the subject and the namespace have left today. */
export function tokensLeft(goal: BudgetSubject, policy: EffectivePolicy, use: BudgetUse): number {
  const l = tokenLimits(goal, policy);
  return Math.max(
    0,
    Math.min(l.perGoal - (goal.status?.cost?.tokens ?? 0), l.perNamespacePerDay - (use.namespaceTokensToday ?? 0)),
  );
}

/** What has been used so far; the namespace figures only where the RiskPolicy sets a daily limit. */
export interface BudgetUse {
  namespaceTokensToday?: number;
  namespaceMicroUSDToday?: number;
}

/** Why the model may not be asked now, or undefined when every budget has room. */
export function budgetStall(goal: BudgetSubject, policy: EffectivePolicy, use: BudgetUse): Stall | undefined {
  const namespace = goal.metadata.namespace ?? '';
  const budgets = policy.spec.budgets;
  const limits = tokenLimits(goal, policy);
  const used = goal.status?.cost?.tokens ?? 0;
  const limit = limits.perGoal;
  if (used >= limit)
    return {
      reason: PlanReason.BudgetExceeded,
      message:
        `the ${goal.kind ?? 'Goal'} has used ${used} of its ${limit} LLM tokens` +
        (limits.perGoalDefault
          ? " (the default budget: neither spec.budget nor the RiskPolicy's budgets set one)"
          : '') +
        ": raise spec.budget.maxTokens (within the RiskPolicy's budgets) to plan again",
    };
  const spent = goal.status?.cost?.usd ?? 0;
  const costLimit = Math.min(goal.spec.budget?.maxCostUSD ?? Infinity, budgets?.maxCostPerGoalUSD ?? Infinity);
  if (spent >= costLimit)
    return {
      reason: PlanReason.BudgetExceeded,
      message:
        `the ${goal.kind ?? 'Goal'} has spent $${spent.toFixed(4)} of its $${costLimit} on the model: ` +
        "raise spec.budget.maxCostUSD (within the RiskPolicy's budgets) to plan again",
    };
  const dailyTokens = limits.perNamespacePerDay;
  const tokensToday = use.namespaceTokensToday ?? 0;
  if (tokensToday >= dailyTokens)
    return {
      reason: PlanReason.BudgetExceeded,
      message:
        `namespace ${namespace} has used ${tokensToday} of its ${dailyTokens} LLM tokens today ` +
        (limits.perNamespaceDefault
          ? '(the default daily budget; a RiskPolicy sets another with spec.budgets.maxTokensPerNamespacePerDay)'
          : `(${policy.source} spec.budgets.maxTokensPerNamespacePerDay)`) +
        ': plan again tomorrow, or raise the budget',
    };
  const dailyCost = budgets?.maxCostPerNamespacePerDayUSD;
  const microToday = use.namespaceMicroUSDToday ?? 0;
  if (dailyCost !== undefined && microToday >= toMicroUSD(dailyCost))
    return {
      reason: PlanReason.BudgetExceeded,
      message:
        `namespace ${namespace} has spent $${(microToday / 1e6).toFixed(4)} of its $${dailyCost} ` +
        `on the model today (${policy.source} spec.budgets.maxCostPerNamespacePerDayUSD): ` +
        'plan again tomorrow (UTC), or raise the budget',
    };
  return undefined;
}
