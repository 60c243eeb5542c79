import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('lets a burst of perMinute through, then spaces calls evenly', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RateLimiter(
      60,
      () => now,
      async (ms) => void (now += ms),
    );
    for (let i = 0; i < 62; i++) waits.push(await limiter.take());
    expect(waits.slice(0, 60).every((w) => w === 0)).toBe(true);
    expect(waits.slice(60)).toEqual([1000, 1000]);
  });
});
