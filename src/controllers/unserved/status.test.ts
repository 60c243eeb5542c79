import { describe, expect, it } from 'vitest';
import { notServedStatus, unservedKinds, type UnservedKind } from './status.js';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T01:00:00Z');

describe('notServedStatus', () => {
  it.each(Object.keys(unservedKinds) as UnservedKind[])('says a %s waits, Stalled, and why', (kind) => {
    const s = notServedStatus(kind, undefined, 3, now);
    expect(s.observedGeneration).toBe(3);
    for (const type of ['Ready', 'Stalled'])
      expect(s.conditions?.find((c) => c.type === type)).toMatchObject({
        status: type === 'Ready' ? 'False' : 'True',
        reason: 'NotServed',
        message: expect.stringMatching(/does not .* yet/),
        observedGeneration: 3,
      });
  });

  it('is the same status when nothing changed, so it is written once', () => {
    const first = notServedStatus('PipelineRun', undefined, 1, now);
    expect(notServedStatus('PipelineRun', first, 1, later)).toEqual(first);
    expect(first.phase).toBe('Pending');
  });

  it('keeps what it does not own', () => {
    const s = notServedStatus('Pipeline', { conditions: [], observedGeneration: 1 }, 2, now);
    expect(s.phase).toBeUndefined();
    expect(s.observedGeneration).toBe(2);
  });
});
