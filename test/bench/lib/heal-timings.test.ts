import { describe, expect, it } from 'vitest';
import { coveredMs, healRate, healTiming, type HealMarks, type Interval } from './heal-timings.js';

describe('coveredMs', () => {
  const cases: { why: string; span: Interval; intervals: Interval[]; want: number }[] = [
    { why: 'nothing to cover', span: [0, 100], intervals: [], want: 0 },
    {
      why: 'two apart add up',
      span: [0, 100],
      intervals: [
        [10, 20],
        [30, 50],
      ],
      want: 30,
    },
    {
      why: 'overlapping ones count once',
      span: [0, 100],
      intervals: [
        [10, 40],
        [30, 50],
      ],
      want: 40,
    },
    {
      why: 'one inside another counts once',
      span: [0, 100],
      intervals: [
        [10, 60],
        [20, 30],
      ],
      want: 50,
    },
    {
      why: 'clipped to the span',
      span: [20, 40],
      intervals: [
        [0, 30],
        [35, 90],
      ],
      want: 15,
    },
    {
      why: 'outside the span, or empty, counts nothing',
      span: [20, 40],
      intervals: [
        [0, 10],
        [30, 30],
        [50, 40],
      ],
      want: 0,
    },
    {
      why: 'order does not matter',
      span: [0, 100],
      intervals: [
        [30, 50],
        [10, 20],
      ],
      want: 30,
    },
  ];
  for (const c of cases) it(c.why, () => expect(coveredMs(c.span, c.intervals)).toBe(c.want));
});

describe('healTiming', () => {
  const marks: HealMarks = {
    posted: 1000,
    opened: 1150,
    planned: 1300,
    rollbackApplied: 1400,
    rolledOut: 2400,
    verifying: 3000,
    verifyUntil: 8000,
    resolvedSeen: 3500,
    healed: 8100,
  };

  it('takes the rollout and the window out of the time to heal', () => {
    expect(healTiming(marks)).toEqual({
      totalMs: 6950,
      rolloutMs: 1000,
      windowMs: 5000,
      ownMs: 950,
      toRollbackMs: 250,
      toPlanMs: 150,
      noticeMs: 600,
      closeMs: 100,
      intakeMs: 150,
      resolvedLateMs: 0,
    });
  });

  it('counts time the rollout and the window share once', () => {
    // the operator judged the rollout done before the bench's rule did
    const t = healTiming({ ...marks, rolledOut: 3400 });
    expect(t?.ownMs).toBe(6950 - (8000 - 1400));
  });

  it('says how late the resolution came after the window (it is not taken out)', () => {
    const t = healTiming({ ...marks, resolvedSeen: 9000, healed: 9100 });
    expect(t?.resolvedLateMs).toBe(1000);
    expect(t?.ownMs).toBe(7950 - 6000);
  });

  it('has no timing for a heal that did not reach Healed', () => {
    expect(healTiming({ ...marks, healed: undefined })).toBeUndefined();
    expect(healTiming({ ...marks, rolledOut: undefined })).toBeUndefined();
    expect(healTiming({ ...marks, planned: undefined })).toBeUndefined();
  });
});

describe('healRate', () => {
  it('counts the Healed ones over the first received → the last Healed', () => {
    const rate = healRate([
      { posted: 0, opened: 1000, healed: 11_000 },
      { posted: 0, opened: 2000, healed: 21_000 },
      // did not heal: its opening still starts nothing earlier, and it is not counted
      { posted: 0, opened: 1500 },
    ]);
    expect(rate).toEqual({ spanMs: 20_000, healsPerSecond: 0.1 });
  });

  it('has no rate when nothing healed', () => {
    expect(healRate([{ posted: 0, opened: 1000 }])).toEqual({});
    expect(healRate([])).toEqual({});
  });
});
