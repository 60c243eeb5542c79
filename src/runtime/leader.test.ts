import { describe, expect, it } from 'vitest';
import { leaseDecision, observedAt } from './leader.js';

describe('leaseDecision', () => {
  const now = 100_000;
  it.each([
    { why: 'no lease record at all', spec: undefined, observedAt: now, want: 'take' },
    { why: 'a released lease (no holder)', spec: { holderIdentity: null }, observedAt: now, want: 'take' },
    { why: 'we hold it', spec: { holderIdentity: 'me' }, observedAt: 0, want: 'renew' },
    {
      why: 'another holder renewed recently',
      spec: { holderIdentity: 'other' },
      observedAt: now - 14_999,
      want: 'wait',
    },
    {
      why: 'another holder silent for the lease duration',
      spec: { holderIdentity: 'other' },
      observedAt: now - 15_000,
      want: 'take',
    },
  ])('$why → $want', ({ spec, observedAt, want }) => {
    expect(leaseDecision(spec, 'me', observedAt, now, 15_000)).toBe(want);
  });
});

describe('observedAt', () => {
  const now = Date.parse('2026-01-01T00:00:10Z');
  it.each([
    {
      why: 'a renewal within the last retry period counts from renewTime',
      renewTime: '2026-01-01T00:00:09.000000Z',
      want: now - 1000,
    },
    { why: 'an older renewTime is not trusted (clock skew): now', renewTime: '2026-01-01T00:00:05.000000Z', want: now },
    { why: 'a renewTime in our future is not trusted: now', renewTime: '2026-01-01T00:00:11.000000Z', want: now },
    { why: 'no renewTime: now', renewTime: undefined, want: now },
  ])('$why', ({ renewTime, want }) => {
    expect(observedAt({ holderIdentity: 'x', renewTime }, now, 2000)).toBe(want);
  });
});
