import { describe, expect, it } from 'vitest';
import { interleave, median, percentile, pool, spread, spreadJson, spreadText, summary } from './stats.js';

describe('bench stats', () => {
  it('percentile uses the nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
  });
  it('summary gives the extremes beside p50 and p99', () => {
    expect(summary([30, 10, 20])).toEqual({ n: 3, min: 10, p50: 20, p99: 30, max: 30 });
    expect(summary([])).toEqual({ n: 0, min: NaN, p50: NaN, p99: NaN, max: NaN });
  });
  it('pool keeps at most N in flight and runs every item', async () => {
    let inFlight = 0;
    let max = 0;
    const done: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      done.push(n);
      inFlight--;
    });
    expect(max).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('spread gives the median with the extremes, printed and as JSON fields', () => {
    const s = spread([12, 10, 30]);
    expect(s).toEqual({ median: 12, min: 10, max: 30, runs: 3 });
    expect(spreadText(s)).toBe('12 (10–30)');
    expect(spreadJson('p99_ms', spread([1.26, 1.24, 1.25]), 2)).toEqual({
      p99_ms: 1.25,
      p99_ms_min: 1.24,
      p99_ms_max: 1.26,
    });
    expect(spread([])).toEqual({ median: NaN, min: NaN, max: NaN, runs: 0 });
  });
  it('interleave runs the contenders in turn, round after round, the order reversed every other round', async () => {
    const order: string[] = [];
    const got = await interleave(['a', 'b'] as const, 3, async (c, r) => {
      order.push(`${c}${r}`);
      return r;
    });
    expect(order).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    expect(got).toEqual({ a: [0, 1, 2], b: [0, 1, 2] });
  });
});
