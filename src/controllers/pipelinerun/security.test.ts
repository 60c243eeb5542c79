import { describe, expect, it } from 'vitest';
import { atOrAbove, failedAtThreshold, judgeSecurity } from './security.js';
import type { AttemptEnd } from './stage-status.js';

const end = (vulnerabilities?: { critical: number; high: number; medium: number; low: number }): AttemptEnd => ({
  outcome: 'succeeded',
  exitCode: 0,
  reason: 'exit code 0',
  finishedAt: new Date('2026-01-01T00:00:00Z'),
  ...(vulnerabilities && { findings: { vulnerabilities } }),
});

describe('the security threshold', () => {
  const cases = [
    { why: 'one high at high fails', v: { critical: 0, high: 1, medium: 3, low: 9 }, t: 'high', fails: true },
    { why: 'mediums under high pass', v: { critical: 0, high: 0, medium: 3, low: 9 }, t: 'high', fails: false },
    { why: 'a critical is above high', v: { critical: 1, high: 0, medium: 0, low: 0 }, t: 'high', fails: true },
    { why: 'a high is under critical', v: { critical: 0, high: 2, medium: 0, low: 0 }, t: 'critical', fails: false },
    { why: 'low counts everything', v: { critical: 0, high: 0, medium: 0, low: 1 }, t: 'low', fails: true },
    { why: 'no findings pass', v: undefined, t: 'low', fails: false },
  ] as const;
  it.each(cases)('$why', ({ v, t, fails }) => {
    const judged = judgeSecurity(end(v), t, 'web');
    expect(judged.outcome).toBe(fails ? 'failed' : 'succeeded');
    expect(failedAtThreshold({ state: fails ? 'Failed' : 'Succeeded', message: judged.reason })).toBe(fails);
  });

  it('says what was found, that the Pipeline halts, and how to resume it', () => {
    const judged = judgeSecurity(end({ critical: 1, high: 2, medium: 0, low: 0 }), 'high', 'web');
    expect(judged.reason).toMatch(/^SecurityThreshold: 1 critical, 2 high at or above the threshold \(high\)/);
    expect(judged.reason).toContain('kubectl bosun pipeline resume web');
    expect(atOrAbove({ vulnerabilities: { critical: 1, high: 2, medium: 5, low: 0 } }, 'medium')).toEqual([
      ['critical', 1],
      ['high', 2],
      ['medium', 5],
    ]);
  });

  it('leaves a cancelled attempt and a failure that is not the threshold alone', () => {
    const cancelled: AttemptEnd = { ...end({ critical: 1, high: 0, medium: 0, low: 0 }), outcome: 'cancelled' };
    expect(judgeSecurity(cancelled, 'high', 'web')).toBe(cancelled);
    expect(failedAtThreshold({ state: 'Failed', message: 'exit code 2' })).toBe(false);
  });
});
