import { describe, expect, it } from 'vitest';
import { GoalSpec } from '../../api/v1alpha1/goal.js';
import { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import { ToolRegistry } from '../../tools/registry.js';
import { PlanningError } from '../agent.js';
import type { GoalActual } from './actual.js';
import { planGoal } from './rule-planner.js';

const web: GoalActual = {
  target: {
    kind: 'deployment',
    name: 'web',
    replicas: 2,
    revision: 3,
    containers: [{ name: 'web', image: 'nginx:1.27' }],
    available: 2,
  },
};
const spec = (intent: unknown) => GoalSpec.parse({ intent });
const tools = (p: ExecutionPlan) => p.steps.map((s) => `${s.when === 'on-failure' ? '!' : ''}${s.tool}`);
const registry = new ToolRegistry(kubernetesTools());

describe('rule planner', () => {
  it.each([
    {
      why: 'scale',
      intent: { type: 'scale', target: 'deployment/web', replicas: 5 },
      want: ['k8s.scale', 'k8s.wait-for-condition'],
      risk: 'low',
    },
    {
      why: 'restart',
      intent: { type: 'restart', target: 'deployment/web' },
      want: ['k8s.rollout-restart', 'k8s.wait-for-condition'],
      risk: 'low',
    },
    {
      why: 'rollback to the previous revision',
      intent: { type: 'rollback', target: 'deployment/web' },
      want: ['k8s.rollout-undo', 'k8s.wait-for-condition'],
      risk: 'medium',
    },
    {
      why: 'deploy an image with a health check and an automatic rollback',
      intent: { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.28' },
      want: ['k8s.set-image', 'k8s.wait-for-condition', '!k8s.rollout-undo', '!k8s.wait-for-condition'],
      risk: 'medium',
    },
    {
      why: 'apply a manifest',
      intent: { type: 'apply', manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' },
      want: ['k8s.apply'],
      risk: 'medium',
    },
    { why: 'delete', intent: { type: 'delete', target: 'deployment/web' }, want: ['k8s.delete'], risk: 'high' },
    {
      why: 'diagnose (read-only)',
      intent: { type: 'diagnose', target: 'deployment/web' },
      want: ['k8s.describe', 'k8s.events', 'k8s.list'],
      risk: 'none',
    },
  ])('$why', ({ intent, want, risk }) => {
    const p = planGoal(spec(intent), web);
    expect(tools(p)).toEqual(want);
    expect(p.risk).toBe(risk);
    expect(ExecutionPlan.parse(p)).toEqual(p);
    for (const s of p.steps) {
      expect(s.description.length, s.tool).toBeGreaterThan(10);
      expect(() => registry.check(s, { denylist: [], allowChanges: true })).not.toThrow(); // every step is a valid tool call
    }
  });

  it('rolls back to the revision before the deploy', () => {
    const p = planGoal(spec({ type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.28' }), web);
    expect(p.steps[2]?.params).toEqual({ target: 'deployment/web', toRevision: 3 });
  });

  it('reads the logs of failing pods when diagnosing', () => {
    const p = planGoal(spec({ type: 'diagnose', target: 'deployment/web' }), {
      ...web,
      pods: [
        { name: 'web-1', phase: 'Running', ready: false, restarts: 4, reason: 'CrashLoopBackOff', container: 'web' },
        { name: 'web-2', phase: 'Running', ready: true, restarts: 0 },
      ],
    });
    expect(p.steps.at(-1)).toMatchObject({
      tool: 'k8s.logs',
      params: { pod: 'web-1', container: 'web', previous: true },
    });
  });

  it.each([
    { why: 'the target is already there', intent: { type: 'scale', target: 'deployment/web', replicas: 2 } },
    { why: 'the image already runs', intent: { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.27' } },
  ])('plans nothing when $why', ({ intent }) => {
    expect(planGoal(spec(intent), web).steps).toEqual([]);
  });

  it.each([
    {
      why: 'free text without a model',
      s: GoalSpec.parse({ goal: 'make web faster' }),
      actual: web,
      reason: 'NoPlanner',
    },
    {
      why: 'a missing target',
      s: spec({ type: 'restart', target: 'deployment/gone' }),
      actual: { target: null },
      reason: 'TargetNotFound',
    },
    {
      why: 'no revision to roll back to',
      s: spec({ type: 'rollback', target: 'deployment/web' }),
      actual: { target: { ...web.target!, revision: 1 } },
      reason: 'NoPreviousRevision',
    },
  ])('stalls on $why', ({ s, actual, reason }) => {
    expect(() => planGoal(s, actual as GoalActual)).toThrow(PlanningError);
    try {
      planGoal(s, actual as GoalActual);
    } catch (e) {
      expect((e as PlanningError).reason).toBe(reason);
    }
  });

  it('is deterministic: the same inputs give the same plan', () => {
    const i = { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.28' };
    expect(planGoal(spec(i), web)).toEqual(planGoal(spec(i), web));
  });
});
