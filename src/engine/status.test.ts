import { describe, expect, it } from 'vitest';
import type { Goal } from '../api/v1alpha1/goal.js';
import { PHASES } from './subject.js';
import { acceptedStatus, stalledStatus, storeUnavailableStatus, waitingStatus } from './status.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');
const goalKind = { kind: 'Goal', phases: PHASES };
const goal = (status?: Goal['status'], generation = 1): Goal => ({
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'Goal',
  metadata: { name: 'g', namespace: 'ns', generation },
  spec: { intent: { type: 'restart', target: 'deployment/web' }, mode: 'auto', planner: 'rules', allowChanges: true },
  status,
});

describe('stalledStatus', () => {
  it('stalls with the reason on Ready and Stalled, and sets observedGeneration', () => {
    const s = stalledStatus(goal(), { reason: 'UnsupportedTarget', message: 'm: do x' }, t0);
    expect(s.phase).toBe('Stalled');
    expect(s.observedGeneration).toBe(1);
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Stalled', 'True', 'UnsupportedTarget'],
      ['Ready', 'False', 'UnsupportedTarget'],
    ]);
  });

  it('is a fixed point: the same stall later gives an identical status', () => {
    const first = stalledStatus(goal(), { reason: 'UnsupportedTarget', message: 'm' }, t0);
    expect(stalledStatus(goal(first), { reason: 'UnsupportedTarget', message: 'm' }, t1)).toEqual(first);
  });
});

describe('waitingStatus', () => {
  const wait = { reason: 'NoModelProvider', message: 'no ModelProvider named default: create one' } as const;

  it('is Pending, not Stalled: Ready says what to set up, and it is in progress (Reconciling) for kstatus', () => {
    const s = waitingStatus(goal(), wait, t0);
    expect(s.phase).toBe('Pending');
    expect(s.observedGeneration).toBe(1);
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Reconciling', 'True', 'NoModelProvider'],
      ['Ready', 'False', 'NoModelProvider'],
    ]);
  });

  it('clears a Stalled condition left from before, and is a fixed point', () => {
    const stalled = stalledStatus(goal(), { reason: 'NoModelProvider', message: 'old' }, t0);
    const first = waitingStatus(goal(stalled), wait, t0);
    expect(first.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
    expect(waitingStatus(goal(first), wait, t1)).toEqual(first);
  });
});

describe('acceptedStatus', () => {
  it("is the kind's planning phase, in progress at once, with observedGeneration", () => {
    const s = acceptedStatus(goal(undefined, 3), goalKind, t0);
    expect(s).toMatchObject({ phase: 'Planning', observedGeneration: 3 });
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration])).toEqual([
      ['Reconciling', 'True', 'Accepted', 3],
      ['Ready', 'False', 'Accepted', 3],
    ]);
    expect(s.conditions?.[0]?.message).toBe('accepted: Bosun is planning the Goal');
    expect(acceptedStatus(goal(s, 3), goalKind, t1)).toEqual(s);
  });

  it('keeps what the first decision did say (a model cost)', () => {
    expect(acceptedStatus(goal({ cost: { tokens: 5, usd: 0.01 } }), goalKind, t0).cost).toEqual({
      tokens: 5,
      usd: 0.01,
    });
  });
});

describe('storeUnavailableStatus', () => {
  it("reports the outage without advancing observedGeneration or moving Ready's transition time", () => {
    const stalled = stalledStatus(goal(), { reason: 'UnsupportedTarget', message: 'm' }, t0);
    const down = storeUnavailableStatus({ ...stalled }, t1, 'Goal');
    expect(down.observedGeneration).toBe(1);
    const ready = down.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.reason).toBe('StateStoreUnavailable');
    expect(ready?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });
});
