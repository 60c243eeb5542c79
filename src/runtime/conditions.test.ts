import { describe, expect, it } from 'vitest';
import { setCondition } from './conditions.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T01:00:00Z');

describe('setCondition', () => {
  it('adds a new condition with the current time', () => {
    expect(setCondition([], { type: 'Ready', status: 'False', reason: 'Pending', message: 'm' }, t0, 3)).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Pending',
        message: 'm',
        lastTransitionTime: '2026-01-01T00:00:00Z',
        observedGeneration: 3,
      },
    ]);
  });

  it('keeps lastTransitionTime when only the reason or message changes', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t0);
    const second = setCondition(first, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, t1);
    expect(second[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(second[0]?.reason).toBe('B');
  });

  it('moves lastTransitionTime when the status flips', () => {
    const first = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: '' }, t0);
    expect(
      setCondition(first, { type: 'Ready', status: 'True', reason: 'A', message: '' }, t1)[0]?.lastTransitionTime,
    ).toBe('2026-01-01T01:00:00Z');
  });

  it('is a fixed point: setting the same condition again changes nothing', () => {
    const c = { type: 'Stalled', status: 'True' as const, reason: 'X', message: 'y' };
    const once = setCondition([], c, t0, 1);
    expect(setCondition(once, c, t1, 1)).toEqual(once);
  });

  it('leaves other conditions alone and keeps their order', () => {
    const base = setCondition(
      setCondition([], { type: 'Ready', status: 'True', reason: 'R', message: '' }, t0),
      { type: 'Stalled', status: 'False', reason: 'S', message: '' },
      t0,
    );
    const next = setCondition(base, { type: 'Ready', status: 'False', reason: 'R2', message: '' }, t1);
    expect(next.map((c) => c.type)).toEqual(['Ready', 'Stalled']);
    expect(next[1]).toEqual(base[1]);
  });
});
