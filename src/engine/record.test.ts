import { describe, expect, it } from 'vitest';
import { GoalStatus } from '../api/v1alpha1/goal.js';
import { tamperedFields } from './record.js';

const recorded: GoalStatus = {
  phase: 'AwaitingApproval',
  planHash: 'a'.repeat(64),
  planGeneration: 1,
  observedGeneration: 1,
  risk: 'high',
  decision: 'held',
  approvalRef: 'g-1',
  plan: {
    hash: 'a'.repeat(64),
    risk: 'high',
    reasoning: '',
    steps: [
      {
        tool: 'k8s.scale',
        when: 'always',
        params: { target: 'deployment/web', replicas: 3 },
        description: 'x',
        risk: 'high',
        state: 'Pending',
      },
    ],
  },
  conditions: [
    {
      type: 'Approved',
      status: 'False',
      reason: 'ApprovalRequired',
      message: 'waiting',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    },
  ],
};

describe('tamperedFields', () => {
  it('finds nothing when the status is the record (and defaults do not count)', () => {
    expect(tamperedFields(JSON.parse(JSON.stringify(recorded)), recorded, GoalStatus)).toEqual([]);
  });
  it.each([
    { why: 'a phase set by hand', change: { phase: 'Executing' }, want: ['phase'] },
    {
      why: 'a plan swapped for another',
      change: { plan: { ...recorded.plan, steps: [{ ...recorded.plan?.steps[0], tool: 'k8s.delete' }] } },
      want: ['plan'],
    },
    {
      why: 'a step marked done',
      change: { plan: { ...recorded.plan, steps: [{ ...recorded.plan?.steps[0], state: 'Succeeded' }] } },
      want: ['plan'],
    },
    { why: 'another hash', change: { planHash: 'b'.repeat(64) }, want: ['planHash'] },
    { why: 'an approval named', change: { approvalRef: 'other-approval' }, want: ['approvalRef'] },
    {
      why: 'the Approved condition flipped',
      change: { conditions: [{ ...recorded.conditions?.[0], status: 'True', reason: 'Approved' }] },
      want: ['conditions[Approved]'],
    },
    { why: 'a later generation claimed as observed', change: { observedGeneration: 9 }, want: ['observedGeneration'] },
  ])('sees $why', ({ change, want }) => {
    expect(tamperedFields({ ...recorded, ...change }, recorded, GoalStatus)).toEqual(want);
  });
  it('sees a status that does not parse', () => {
    expect(tamperedFields({ phase: 'Hacked' }, recorded, GoalStatus)).toEqual(['status']);
  });
  it('a status written when Bosun had no record is a forgery', () => {
    expect(tamperedFields({ phase: 'Executing', plan: recorded.plan }, {}, GoalStatus)).toEqual(['phase', 'plan']);
  });
});
