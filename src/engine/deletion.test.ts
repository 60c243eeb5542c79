import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../api/v1alpha1/common.js';
import type { GoalStatus } from '../api/v1alpha1/goal.js';
import { DELETED_MESSAGE, windDown } from './deletion.js';

const step = (tool: string, state: PlanStep['state'], when: PlanStep['when'] = 'always'): PlanStep => ({
  tool,
  state,
  when,
  params: {},
  description: tool,
  risk: 'low',
});
const executing = (...steps: PlanStep[]): GoalStatus => ({
  phase: 'Executing',
  plan: { risk: 'low', reasoning: '', steps },
});
const mutating = (tool: string) => tool !== 'k8s.wait-for-condition';
const deploy = (set: PlanStep['state'], wait: PlanStep['state'], undo?: PlanStep['state']) =>
  executing(
    step('k8s.set-image', set),
    step('k8s.wait-for-condition', wait),
    step('k8s.rollout-undo', undo ?? 'Pending', 'on-failure'),
    step('k8s.wait-for-condition', 'Pending', 'on-failure'),
  );

describe('windDown', () => {
  it('a deploy that had started rolling out is rolled back by its on-failure steps', () => {
    const out = windDown(deploy('Succeeded', 'Running'), mutating);
    expect('rollback' in out).toBe(true);
    const steps = 'rollback' in out ? (out.rollback.plan?.steps ?? []) : [];
    expect(steps[1]).toMatchObject({ state: 'Failed', message: DELETED_MESSAGE });
  });

  it('a rollback already under way goes on as it is', () => {
    const status = deploy('Succeeded', 'Failed', 'Succeeded');
    expect(windDown(status, mutating)).toEqual({ rollback: status });
  });

  it('lets go once the on-failure steps are done (the Goal then reads Failed), saying so', () => {
    const status = deploy('Succeeded', 'Failed', 'Succeeded');
    const steps =
      status.plan?.steps.map((s, i) =>
        i === 3 ? { ...s, state: 'Succeeded' as const } : i === 1 ? { ...s, message: DELETED_MESSAGE } : s,
      ) ?? [];
    expect(windDown({ phase: 'Failed', plan: { risk: 'low', reasoning: '', steps } }, mutating)).toEqual({
      done: { rolledBack: true, note: "the plan's on-failure steps ran: rolled-back" },
    });
  });

  it.each([
    {
      why: 'a plan without on-failure steps is left after its last finished step',
      status: executing(step('k8s.scale', 'Succeeded'), step('k8s.wait-for-condition', 'Running')),
      says: /left as it was after step 1 \(k8s.scale\): the plan has no on-failure steps/,
    },
    {
      why: 'a deploy that changed nothing yet has nothing to undo',
      status: deploy('Pending', 'Pending'),
      says: /left as it was before the plan: nothing had been changed yet/,
    },
    { why: 'a Goal not executing', status: { phase: 'AwaitingApproval' } as GoalStatus, says: /nothing was running/ },
  ])('$why', ({ status, says }) => {
    const out = windDown(status, mutating);
    expect('done' in out && String(out.done.note)).toMatch(says);
  });
});
