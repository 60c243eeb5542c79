import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../telemetry/metrics.js';
import type { DailyBudgetUse } from './budget.js';
import { budgetGauges, budgetRows, mergeBudgetUse } from './usage.js';

const use = (over: Partial<DailyBudgetUse> = {}): DailyBudgetUse => ({
  namespace: 'demo',
  day: '2026-03-01',
  tokens: 100,
  tokenLimit: 1000,
  ...over,
});

describe('mergeBudgetUse', () => {
  it('keeps the larger total of a day: calls that end out of order report older totals', () => {
    const known = use({ tokens: 500, microUSD: 900 });
    expect(mergeBudgetUse(known, use({ tokens: 300, microUSD: 400 }))).toMatchObject({ tokens: 500, microUSD: 900 });
    expect(mergeBudgetUse(known, use({ tokens: 700 }))).toMatchObject({ tokens: 700, microUSD: 900 });
  });

  it('takes the latest limits, starts a later day afresh, and ignores a late reading of an earlier day', () => {
    const known = use({ tokens: 500, costLimitUSD: 1 });
    expect(mergeBudgetUse(known, use({ tokens: 10, tokenLimit: 5000 }))).toMatchObject({
      tokens: 500,
      tokenLimit: 5000,
    });
    expect(mergeBudgetUse(known, use({ day: '2026-03-02', tokens: 10 }))).toEqual(
      use({ day: '2026-03-02', tokens: 10 }),
    );
    expect(mergeBudgetUse(use({ day: '2026-03-02' }), known)).toEqual(use({ day: '2026-03-02' }));
  });
});

describe('budgetRows', () => {
  it("gives today's token budget always and the cost budget where one is set, in dollars", () => {
    const now = new Date('2026-03-01T23:59:00Z');
    const rows = budgetRows(
      [
        use({ namespace: 'a', tokens: 850, microUSD: 1_500_000, costLimitUSD: 2 }),
        use({ namespace: 'b', tokens: 10, microUSD: 7 }),
        use({ namespace: 'c', day: '2026-02-28', tokens: 999 }),
      ],
      now,
    );
    expect(rows).toEqual([
      { namespace: 'a', budget: 'tokens_per_day', used: 850, limit: 1000 },
      { namespace: 'a', budget: 'usd_per_day', used: 1.5, limit: 2 },
      { namespace: 'b', budget: 'tokens_per_day', used: 10, limit: 1000 },
    ]);
  });
});

describe('budgetGauges', () => {
  it('shows each namespace on its day and drops it once the day is over', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let now = new Date('2026-03-01T12:00:00Z');
    const observe = budgetGauges(metrics, () => now);
    observe(use({ tokens: 900 }));
    const used = async () => (await metrics.budgetUsed.get()).values;
    expect(await used()).toEqual([{ labels: { namespace: 'demo', budget: 'tokens_per_day' }, value: 900 }]);
    expect((await metrics.budgetLimit.get()).values).toEqual([
      { labels: { namespace: 'demo', budget: 'tokens_per_day' }, value: 1000 },
    ]);
    now = new Date('2026-03-02T00:00:01Z');
    expect(await used()).toEqual([]);
  });
});
