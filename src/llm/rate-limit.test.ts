import { describe, expect, it } from 'vitest';
import { TokenRateLimiter, estimateTokens } from './rate-limit.js';

describe('TokenRateLimiter as requests a minute (one token a call)', () => {
  it('lets a burst of perMinute through, then says how long to wait instead of sleeping', () => {
    let now = 0;
    const limiter = new TokenRateLimiter(60, () => now);
    const waits = Array.from({ length: 60 }, () => limiter.tryTake(1));
    expect(waits.every((w) => w === 0)).toBe(true);
    expect(limiter.tryTake(1)).toBe(1000);
    expect(limiter.tryTake(1)).toBe(1000); // nothing was taken
    now += 1000;
    expect(limiter.tryTake(1)).toBe(0);
  });

  it('lets the repair rounds of an admitted call through, and makes the next call wait for them', () => {
    let now = 0;
    const limiter = new TokenRateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) limiter.tryTake(1);
    limiter.force();
    limiter.force();
    expect(limiter.tryTake(1)).toBe(3000);
    now += 3000;
    expect(limiter.tryTake(1)).toBe(0);
  });
});

describe('TokenRateLimiter', () => {
  const clock = () => {
    const c = { t: 0, now: () => c.t };
    return c;
  };

  it('lets calls through while the minute has tokens, then says how long to wait instead of sleeping', () => {
    const c = clock();
    const limiter = new TokenRateLimiter(1000, c.now);
    expect(limiter.tryTake(600)).toBe(0);
    expect(limiter.tryTake(400)).toBe(0);
    expect(limiter.tryTake(300)).toBe(18_000); // 300 of 1000 tokens a minute come back in 18 s
    c.t += 17_000;
    expect(limiter.tryTake(300)).toBe(1_000); // nothing was taken by the refused call
    c.t += 1_000;
    expect(limiter.tryTake(300)).toBe(0);
  });

  it('corrects the estimate by the usage the provider reports', () => {
    const c = clock();
    const limiter = new TokenRateLimiter(1000, c.now);
    expect(limiter.tryTake(100)).toBe(0);
    limiter.settle(100, 900); // the answer (and its repairs) used far more than the prompt's estimate
    expect(limiter.tryTake(100)).toBe(0);
    expect(limiter.tryTake(100)).toBe(6_000);
    limiter.settle(100, 0); // a call that used nothing gives its tokens back
    expect(limiter.tryTake(100)).toBe(0);
  });

  it('lets a prompt larger than a whole minute go once the bucket is full, not never', () => {
    const c = clock();
    const limiter = new TokenRateLimiter(1000, c.now);
    expect(limiter.tryTake(500)).toBe(0);
    expect(limiter.tryTake(5000)).toBe(30_000);
    c.t += 30_000;
    expect(limiter.tryTake(5000)).toBe(0);
    expect(limiter.tryTake(1)).toBe(240_060); // 4001 tokens short: the debt is paid before the next
  });

  it('estimates tokens as ceil(chars / 4)', () => {
    expect([estimateTokens(''), estimateTokens('abcd'), estimateTokens('abcde')]).toEqual([0, 1, 2]);
  });
});
