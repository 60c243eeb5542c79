import { describe, expect, it } from 'vitest';
import type { Goal } from '../../api/v1alpha1/goal.js';
import { nextStatus } from './status.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');
const goal = (status?: Goal['status'], generation = 1): Goal => ({
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'Goal',
  metadata: { name: 'g', namespace: 'ns', generation },
  spec: { intent: { type: 'restart', target: 'deployment/web' }, mode: 'auto', planner: 'rules', allowChanges: true },
  status,
});

describe('nextStatus', () => {
  it('accepts a valid Goal: Pending, Ready=False/Accepted, observedGeneration set', () => {
    const s = nextStatus({ goal: goal(), stall: undefined, storeAvailable: true, now: t0 });
    expect(s.phase).toBe('Pending');
    expect(s.observedGeneration).toBe(1);
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason: 'Accepted' })]);
  });

  it('is a fixed point: the same observation later gives an identical status', () => {
    const first = nextStatus({ goal: goal(), stall: undefined, storeAvailable: true, now: t0 });
    expect(nextStatus({ goal: goal(first), stall: undefined, storeAvailable: true, now: t1 })).toEqual(first);
  });

  it('stalls with the reason on Ready and Stalled', () => {
    const s = nextStatus({ goal: goal(), stall: { reason: 'UnsupportedTarget', message: 'm: do x' }, storeAvailable: true, now: t0 });
    expect(s.phase).toBe('Stalled');
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Stalled', 'True', 'UnsupportedTarget'],
      ['Ready', 'False', 'UnsupportedTarget'],
    ]);
  });

  it('leaves Stalled once the spec is fixed', () => {
    const stalled = nextStatus({ goal: goal(), stall: { reason: 'UnsupportedTarget', message: 'm' }, storeAvailable: true, now: t0 });
    const fixed = nextStatus({ goal: goal(stalled, 2), stall: undefined, storeAvailable: true, now: t1 });
    expect(fixed.phase).toBe('Pending');
    expect(fixed.observedGeneration).toBe(2);
    expect(fixed.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
  });

  it('reports an unreachable store without advancing observedGeneration', () => {
    const ok = nextStatus({ goal: goal(), stall: undefined, storeAvailable: true, now: t0 });
    const down = nextStatus({ goal: goal(ok, 2), stall: undefined, storeAvailable: false, now: t1 });
    expect(down.observedGeneration).toBe(1);
    expect(down.conditions?.find((c) => c.type === 'Ready')?.reason).toBe('StateStoreUnavailable');
    expect(down.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z'); // Ready stayed False
  });
});
