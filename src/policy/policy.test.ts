import { describe, expect, it } from 'vitest';
import { RiskPolicySpec } from '../api/v1alpha1/risk-policy.js';
import { builtInPolicy, decide } from './decision.js';
import { canonicalJson } from '../api/canonical.js';
import { planHash } from './plan-hash.js';
import {
  blastRadius,
  effectRisk,
  llmFloor,
  planRisk,
  protectedNamespace,
  reversibility,
  scoreStep,
  type StepRiskInput,
} from './risk.js';

const input = (over: Partial<StepRiskInput> = {}): StepRiskInput => ({
  tool: 'k8s.scale',
  baseRisk: 'low',
  effect: 'mutate',
  reversible: true,
  namespace: 'team',
  protectedNamespaces: ['kube-system'],
  namespaceLabelProtected: false,
  objectsTouched: 1,
  replicaDelta: 1,
  ...over,
});

describe('risk rules', () => {
  it.each([
    {
      rule: effectRisk,
      why: 'a read stays where it is',
      in: input({ effect: 'read', baseRisk: 'none' }),
      from: 'none',
      want: 'none',
    },
    { rule: effectRisk, why: 'a mutation is at least low', in: input({ baseRisk: 'none' }), from: 'none', want: 'low' },
    {
      rule: effectRisk,
      why: 'destruction is at least high',
      in: input({ effect: 'destroy' }),
      from: 'low',
      want: 'high',
    },
    {
      rule: protectedNamespace,
      why: 'a RiskPolicy-protected namespace is at least high',
      in: input({ namespace: 'kube-system' }),
      from: 'low',
      want: 'high',
    },
    {
      rule: protectedNamespace,
      why: 'a labelled namespace is at least high',
      in: input({ namespaceLabelProtected: true }),
      from: 'low',
      want: 'high',
    },
    {
      rule: protectedNamespace,
      why: 'reads in a protected namespace are fine',
      in: input({ namespace: 'kube-system', effect: 'read' }),
      from: 'none',
      want: 'none',
    },
    {
      rule: blastRadius,
      why: 'six pods at once is one level up',
      in: input({ replicaDelta: 6 }),
      from: 'low',
      want: 'medium',
    },
    {
      rule: blastRadius,
      why: 'thirty objects is two levels up',
      in: input({ objectsTouched: 30 }),
      from: 'low',
      want: 'high',
    },
    {
      rule: blastRadius,
      why: 'a shrink counts like a growth',
      in: input({ replicaDelta: -25 }),
      from: 'low',
      want: 'high',
    },
    { rule: blastRadius, why: 'small changes stay', in: input({ replicaDelta: 2 }), from: 'low', want: 'low' },
    {
      rule: reversibility,
      why: 'what cannot be undone is one level up',
      in: input({ reversible: false }),
      from: 'low',
      want: 'medium',
    },
    {
      rule: llmFloor,
      why: 'model-made steps get the policy floor',
      in: input({ llmFloor: 'medium' }),
      from: 'low',
      want: 'medium',
    },
  ])('$why', ({ rule, in: i, from, want }) => {
    expect(rule(i, from as never).risk).toBe(want);
  });

  it('caps at critical and lists every reason that raised the risk', () => {
    const v = scoreStep(input({ effect: 'destroy', reversible: false, namespace: 'kube-system', objectsTouched: 50 }));
    expect(v.risk).toBe('critical');
    expect(v.reasons).toEqual([
      'k8s.scale is a low-risk tool',
      'k8s.scale destroys objects',
      'large blast radius (50 objects, 1 pods)',
    ]);
  });

  it('a plain scale by one replica is low', () => {
    expect(scoreStep(input())).toEqual({ risk: 'low', reasons: ['k8s.scale is a low-risk tool'] });
  });

  it('plan risk is the highest step risk', () => {
    expect(planRisk([{ risk: 'low' }, { risk: 'high' }, { risk: 'none' }])).toBe('high');
    expect(planRisk([])).toBe('none');
  });
});

describe('plan hash', () => {
  it('ignores key order and changes with any tool, param or order change', () => {
    const a = [
      { tool: 'k8s.scale', params: { name: 'web', replicas: 3 } },
      { tool: 'k8s.wait-for-condition', params: { name: 'web' } },
    ];
    expect(planHash(a)).toBe(
      planHash([{ params: { replicas: 3, name: 'web' }, tool: 'k8s.scale' }, a[1] as (typeof a)[number]]),
    );
    expect(planHash(a)).not.toBe(planHash([a[1] as (typeof a)[number], a[0] as (typeof a)[number]]));
    expect(planHash(a)).not.toBe(
      planHash([{ tool: 'k8s.scale', params: { name: 'web', replicas: 4 } }, a[1] as (typeof a)[number]]),
    );
    expect(planHash(a)).toMatch(/^[a-f0-9]{64}$/);
  });
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});

describe('decide', () => {
  const policy = (spec: unknown) => ({ source: 'team/default', spec: RiskPolicySpec.parse(spec) });
  it.each([
    {
      why: 'low risk runs by default',
      plan: { risk: 'low', steps: [{ tool: 'k8s.scale' }] },
      p: builtInPolicy,
      want: 'auto',
    },
    {
      why: 'high risk waits for approval by default',
      plan: { risk: 'high', steps: [{ tool: 'k8s.scale' }] },
      p: builtInPolicy,
      want: 'approve',
    },
    {
      why: 'critical is denied by default',
      plan: { risk: 'critical', steps: [{ tool: 'k8s.delete' }] },
      p: builtInPolicy,
      want: 'deny',
    },
    {
      why: 'a denied tool denies the plan',
      plan: { risk: 'none', steps: [{ tool: 'k8s.delete' }] },
      p: policy({ tools: { deny: ['k8s.delete'] } }),
      want: 'deny',
    },
    {
      why: 'a tool outside the allow list denies the plan',
      plan: { risk: 'none', steps: [{ tool: 'k8s.delete' }] },
      p: policy({ tools: { allow: ['k8s.get'] } }),
      want: 'deny',
    },
    {
      why: 'too many steps',
      plan: { risk: 'none', steps: [{ tool: 'a' }, { tool: 'b' }] },
      p: policy({ budgets: { maxStepsPerPlan: 1 } }),
      want: 'deny',
    },
    {
      why: 'a policy can run high risk automatically',
      plan: { risk: 'high', steps: [{ tool: 'k8s.scale' }] },
      p: policy({ levels: { high: 'auto' } }),
      want: 'auto',
    },
  ])('$why', ({ plan, p, want }) => {
    const d = decide(plan as never, p);
    expect(d.action).toBe(want);
    expect(d.rule.length).toBeGreaterThan(10);
  });
  it('names the rule', () => {
    expect(decide({ risk: 'high', steps: [] }, policy({}))).toEqual({
      action: 'approve',
      rule: 'team/default sets spec.levels.high: approve',
    });
  });
});
