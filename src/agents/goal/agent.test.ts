import { describe, expect, it } from 'vitest';
import { GoalSpec, type Goal } from '../../api/v1alpha1/goal.js';
import { builtInPolicy } from '../../policy/decision.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { GoalActual } from './actual.js';
import { GoalAgent } from './agent.js';

const agent = new GoalAgent();
const input = (spec: GoalSpec, actual: GoalActual) => ({
  subject: { metadata: { name: 'g', namespace: 'shop' }, spec } as Goal,
  facts: actual,
  policy: builtInPolicy,
  registry: new ToolRegistry(agent.tools()),
  gate: { allowChanges: true, denylist: [] },
  now: new Date('2026-03-01T12:00:00Z'),
});

describe('the Goal agent', () => {
  it('proposes the rule planner’s plan, named by its intent', async () => {
    const spec = GoalSpec.parse({ intent: { type: 'restart', target: 'deployment/web' } });
    const actual: GoalActual = {
      target: { kind: 'deployment', name: 'web', replicas: 2, revision: 3, containers: [], available: 2 },
    };
    const got = await agent.plan(input(spec, actual));
    expect('plan' in got && got.playbook).toBe('restart');
    expect('plan' in got && got.plan.steps.length).toBeGreaterThan(0);
  });

  it('answers a planning error with a stall: its reason, and the message without the error code', async () => {
    const spec = GoalSpec.parse({ intent: { type: 'restart', target: 'deployment/web' } });
    const got = await agent.plan(input(spec, {}));
    expect(got).toMatchObject({ stall: { reason: 'TargetNotFound' } });
    expect('stall' in got && got.stall.message).toMatch(/^deployment\/web does not exist/);
  });
});
