import { describe, expect, it } from 'vitest';
import { FIRST_BACKOFF_MS, MAX_BACKOFF_MS, ProviderHealth } from './health.js';

describe('ProviderHealth', () => {
  it('backs a failing provider off, doubling to a cap, and forgets it on success', () => {
    let t = 0;
    const h = new ProviderHealth(
      () => t,
      () => 0.5, // no jitter: the doubling itself
    );
    expect(h.backoff('a').waitMs).toBe(0);
    expect(h.failed('a', 'HTTP 503')).toBe(FIRST_BACKOFF_MS);
    expect(h.backoff('a')).toEqual({ waitMs: FIRST_BACKOFF_MS, why: 'HTTP 503' });
    expect(h.backoff('b').waitMs).toBe(0); // per provider
    t += 1_000;
    expect(h.backoff('a').waitMs).toBe(FIRST_BACKOFF_MS - 1_000);
    expect(h.failed('a', 'HTTP 503')).toBe(2 * FIRST_BACKOFF_MS);
    for (let i = 0; i < 20; i++) h.failed('a', 'timed out');
    expect(h.backoff('a').waitMs).toBe(MAX_BACKOFF_MS);
    h.succeeded('a');
    expect(h.backoff('a').waitMs).toBe(0);
  });
});
