import { describe, expect, it } from 'vitest';
import { Goal } from '../../api/v1alpha1/goal.js';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import { budgetStall, dailyCounters, tokensLeft, toMicroUSD, type BudgetUse } from './budget.js';

const goal = (budget?: Record<string, number>, cost?: { tokens: number; usd: number }) =>
  Goal.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Goal',
    metadata: { name: 'g', namespace: 'demo' },
    spec: { goal: 'add capacity', planner: 'llm', ...(budget && { budget }) },
    ...(cost && { status: { cost } }),
  });
const policy = (budgets: Record<string, number>): EffectivePolicy => ({
  source: 'demo/default',
  spec: RiskPolicySpec.parse({ budgets }),
});

describe('budgetStall', () => {
  it.each<[string, Goal, EffectivePolicy, BudgetUse, RegExp | undefined]>([
    ['no budgets at all', goal(), policy({}), {}, undefined],
    ['the Goal has tokens left', goal({ maxTokens: 500 }, { tokens: 499, usd: 0 }), policy({}), {}, undefined],
    [
      "the Goal's tokens are spent",
      goal({ maxTokens: 500 }, { tokens: 500, usd: 0 }),
      policy({}),
      {},
      /raise spec\.budget\.maxTokens/,
    ],
    [
      "the policy's cost per Goal is spent",
      goal(undefined, { tokens: 10, usd: 0.5 }),
      policy({ maxCostPerGoalUSD: 0.5 }),
      {},
      /raise spec\.budget\.maxCostUSD/,
    ],
    [
      "the namespace's tokens today are spent",
      goal(),
      policy({ maxTokensPerNamespacePerDay: 300 }),
      { namespaceTokensToday: 400 },
      /has used 400 of its 300 LLM tokens today/,
    ],
    [
      "the namespace's cost today has room",
      goal(),
      policy({ maxCostPerNamespacePerDayUSD: 1 }),
      { namespaceMicroUSDToday: 999_999 },
      undefined,
    ],
    [
      "the namespace's cost today is spent",
      goal(),
      policy({ maxCostPerNamespacePerDayUSD: 1 }),
      { namespaceMicroUSDToday: 1_000_000 },
      /spent \$1\.0000 of its \$1 on the model today .*maxCostPerNamespacePerDayUSD.*plan again tomorrow/,
    ],
    [
      'a daily cost budget of 0 stops every call',
      goal(),
      policy({ maxCostPerNamespacePerDayUSD: 0 }),
      {},
      /maxCostPerNamespacePerDayUSD/,
    ],
  ])('%s', (_why, g, p, use, want) => {
    const stall = budgetStall(g, p, use);
    if (!want) return expect(stall).toBeUndefined();
    expect(stall?.reason).toBe('BudgetExceeded');
    expect(stall?.message).toMatch(want);
  });
});

describe('daily counters', () => {
  it('are per namespace and UTC day; cost is whole micro-dollars', () => {
    expect(dailyCounters('demo', new Date('2026-03-01T23:59:59Z'))).toEqual({
      day: '2026-03-01',
      tokens: 'llm-tokens/demo/2026-03-01',
      microUSD: 'llm-cost-micro-usd/demo/2026-03-01',
    });
    expect(toMicroUSD((120 * 3 + 80 * 15) / 1e6)).toBe(1560);
    expect(Number.isInteger(toMicroUSD(0.1 + 0.2))).toBe(true);
  });
});

describe('tokensLeft', () => {
  it.each<[string, Goal, EffectivePolicy, BudgetUse, number]>([
    ['the defaults, nothing used', goal(), policy({}), {}, 100_000],
    ['the default per Goal, some used', goal(undefined, { tokens: 40_000, usd: 0 }), policy({}), {}, 60_000],
    ['the smaller of the Goal and the policy', goal({ maxTokens: 5000 }), policy({ maxTokensPerGoal: 3000 }), {}, 3000],
    [
      "the namespace's day, when it has less left",
      goal(),
      policy({ maxTokensPerNamespacePerDay: 10_000 }),
      { namespaceTokensToday: 9000 },
      1000,
    ],
    ['the default day', goal(), policy({}), { namespaceTokensToday: 1_950_000 }, 50_000],
    ['never below zero', goal({ maxTokens: 10 }, { tokens: 50, usd: 0 }), policy({}), {}, 0],
  ])('%s', (_why, g, p, use, want) => {
    expect(tokensLeft(g, p, use)).toBe(want);
  });
});
