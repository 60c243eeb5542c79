import { describe, expect, it } from 'vitest';
import { leaseDecision } from './leader.js';

describe('leaseDecision', () => {
  const now = 100_000;
  it.each([
    { why: 'no lease record at all', spec: undefined, observedAt: now, want: 'take' },
    { why: 'a released lease (no holder)', spec: { holderIdentity: null }, observedAt: now, want: 'take' },
    { why: 'we hold it', spec: { holderIdentity: 'me' }, observedAt: 0, want: 'renew' },
    { why: 'another holder renewed recently', spec: { holderIdentity: 'other' }, observedAt: now - 14_999, want: 'wait' },
    { why: 'another holder silent for the lease duration', spec: { holderIdentity: 'other' }, observedAt: now - 15_000, want: 'take' },
  ])('$why → $want', ({ spec, observedAt, want }) => {
    expect(leaseDecision(spec, 'me', observedAt, now, 15_000)).toBe(want);
  });
});
