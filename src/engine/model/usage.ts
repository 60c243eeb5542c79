// What the model cost, as metrics: tokens by direction and dollars, per
// provider, model and namespace, and each namespace's daily budgets against
// what today has used of them. Every planning kind counts the same way.
import type { Metrics } from '../../telemetry/metrics.js';
import type { BudgetUse } from '../../telemetry/work-metrics.js';
import type { DailyBudgetUse } from './budget.js';
import type { LlmUsage } from './plan.js';

export const countUsage =
  (metrics: Pick<Metrics, 'llmTokens' | 'llmCost'>) =>
  (u: LlmUsage, namespace: string): void => {
    metrics.llmTokens.inc({ provider: u.provider, model: u.model, namespace, direction: 'input' }, u.inputTokens);
    metrics.llmTokens.inc({ provider: u.provider, model: u.model, namespace, direction: 'output' }, u.outputTokens);
    metrics.llmCost.inc({ provider: u.provider, model: u.model, namespace }, u.usd);
  };

const larger = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/**
 * A namespace's latest reading merged into what was known of it. Bosun's etcd counts only upwards within
 * a day, and calls that end out of order report older totals: the larger stands. A reading of an earlier
 * day than the one known is late, and changes nothing; a later day starts afresh.
 */
export function mergeBudgetUse(known: DailyBudgetUse | undefined, next: DailyBudgetUse): DailyBudgetUse {
  if (!known || next.day > known.day) return next;
  if (next.day < known.day) return known;
  return {
    ...next,
    tokens: Math.max(known.tokens, next.tokens),
    microUSD: larger(known.microUSD, next.microUSD),
  };
}

/** The gauges' rows for `now`'s UTC day: the token budget always, the cost budget where a RiskPolicy sets one. */
export function budgetRows(known: Iterable<DailyBudgetUse>, now: Date): BudgetUse[] {
  const today = now.toISOString().slice(0, 10);
  const rows: BudgetUse[] = [];
  for (const u of known) {
    if (u.day !== today) continue;
    rows.push({ namespace: u.namespace, budget: 'tokens_per_day', used: u.tokens, limit: u.tokenLimit });
    if (u.costLimitUSD !== undefined)
      rows.push({
        namespace: u.namespace,
        budget: 'usd_per_day',
        used: (u.microUSD ?? 0) / 1e6,
        limit: u.costLimitUSD,
      });
  }
  return rows;
}

/** Keeps each namespace's latest daily budget use, read by the budget gauges at each scrape. */
export function budgetGauges(metrics: Pick<Metrics, 'scrape'>, now: () => Date = () => new Date()) {
  const known = new Map<string, DailyBudgetUse>();
  metrics.scrape.budgets = () => {
    const at = now();
    // an earlier day's readings are of no more use
    const today = at.toISOString().slice(0, 10);
    for (const [ns, u] of known) if (u.day < today) known.delete(ns);
    return budgetRows(known.values(), at);
  };
  return (use: DailyBudgetUse): void => void known.set(use.namespace, mergeBudgetUse(known.get(use.namespace), use));
}
