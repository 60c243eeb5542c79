import { describe, expect, it } from 'vitest';
import { routeTier, type Task } from './router.js';

const goal = (t: Partial<Task>): Task => ({ kind: 'Goal', typed: false, targets: 1, mode: 'auto', ...t });

describe('routeTier', () => {
  it.each([
    { why: 'a typed intent needs only the small model', task: goal({ typed: true }), want: 'low' },
    { why: 'free text about one target', task: goal({}), want: 'medium' },
    { why: 'free text about two targets', task: goal({ targets: 2 }), want: 'medium' },
    { why: 'free text over many targets', task: goal({ targets: 5 }), want: 'high' },
    { why: 'plan-only is one tier cheaper', task: goal({ targets: 5, mode: 'plan-only' }), want: 'medium' },
    { why: 'plan-only never goes below low', task: goal({ typed: true, mode: 'plan-only' }), want: 'low' },
    {
      why: 'a Remediation of one target',
      task: { kind: 'Remediation', typed: false, targets: 1, mode: 'auto', symptoms: 1 } as Task,
      want: 'medium',
    },
    {
      why: 'a Remediation with many symptoms',
      task: { kind: 'Remediation', typed: false, targets: 1, mode: 'auto', symptoms: 5 } as Task,
      want: 'high',
    },
    { why: 'a Goal may choose its tier', task: goal({ targets: 5, override: 'low' }), want: 'low' },
  ])('$why → $want', ({ task, want }) => {
    expect(routeTier(task)).toBe(want);
  });
});
