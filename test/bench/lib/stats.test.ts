import { describe, expect, it } from 'vitest';
import { percentile, pool, summary } from './stats.js';

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
});
