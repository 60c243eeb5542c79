import { describe, expect, it, vi } from 'vitest';
import type { KubeClient } from '../kube/client.js';
import { createLogger } from '../telemetry/logger.js';
import { LeaderElector, leaseDecision, observedAt } from './leader.js';

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

describe('LeaderElector.isLeader', () => {
  const log = createLogger({ level: 'silent' });
  // a lease nobody holds yet: the first request creates it, every renewal patches it
  const lease = { metadata: { name: 'bosun', namespace: 'ops', resourceVersion: '1' }, spec: {} };
  const client = {
    tryGet: async () => undefined,
    create: async () => lease,
    patch: async () => lease,
  } as unknown as KubeClient;

  const elect = async (clock: { t: number }, retryPeriodMs = 60_000, onStoppedLeading = () => undefined) => {
    let started = 0;
    const elector = new LeaderElector({
      client,
      namespace: 'ops',
      name: 'bosun',
      identity: 'me',
      renewDeadlineMs: 10_000,
      retryPeriodMs, // by default the loop renews once, then sleeps for the whole test
      monotonicNow: () => clock.t,
      log,
      onStartedLeading: () => started++,
      onStoppedLeading,
    });
    elector.start();
    await vi.waitFor(() => expect(started).toBe(1));
    return elector;
  };

  it('holds until the renew deadline passes since the last renewal, even if the loop never runs again', async () => {
    const clock = { t: 1000 };
    const elector = await elect(clock);
    expect(elector.isLeader).toBe(true);
    clock.t += 9_999;
    expect(elector.isLeader).toBe(true);
    clock.t += 1; // what a process paused past its renew deadline sees on resume, before any I/O
    expect(elector.isLeader).toBe(false);
    expect(elector.isLeader).toBe(false);
    await elector.stop();
  });

  it('a loop that wakes past the deadline gives leadership up instead of renewing it', async () => {
    const clock = { t: 0 };
    let stopped = 0;
    const elector = await elect(clock, 5, () => void stopped++);
    clock.t += 10_000; // paused between two renewals
    await vi.waitFor(() => expect(stopped).toBe(1));
    expect(elector.isLeader).toBe(false);
    await elector.stop();
  });

  it('is false after stop()', async () => {
    const elector = await elect({ t: 0 });
    await elector.stop();
    expect(elector.isLeader).toBe(false);
  });
});
