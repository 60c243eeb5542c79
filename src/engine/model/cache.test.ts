import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../store/memory-store.js';
import { forgetPlans, planCacheKey, planCacheRef, type PlanCacheInput } from './cache.js';

const base: PlanCacheInput = {
  uid: 'uid-1',
  decides: { goal: 'checkout is slow: add capacity', allowChanges: true, tools: ['k8s.scale'] },
  provider: 'anthropic',
  model: 'mid',
  tools: ['k8s.scale', 'k8s.get'],
  request: { redact: [], maxSteps: 20 },
};
const key = planCacheKey(base);

describe('planCacheKey', () => {
  it.each<[string, PlanCacheInput]>([
    ['the Goal was deleted and made again (a new UID)', { ...base, uid: 'uid-2' }],
    ['the goal text changed', { ...base, decides: { ...base.decides, goal: 'checkout is slow: restart it' } }],
    [
      'a typed intent',
      { ...base, decides: { ...base.decides, goal: undefined, intent: { type: 'restart', target: 'deployment/web' } } },
    ],
    ['the allowlist changed', { ...base, decides: { ...base.decides, tools: ['k8s.scale', 'k8s.restart'] } }],
    ['another tier was asked for', { ...base, decides: { ...base.decides, modelTier: 'high' } }],
    [
      'the budget changed (maxSteps is in the prompt)',
      { ...base, decides: { ...base.decides, budget: { maxSteps: 3 } } },
    ],
    ['changes became dry-runs', { ...base, decides: { ...base.decides, allowChanges: false } }],
    ['another model', { ...base, model: 'big' }],
    ['another provider', { ...base, provider: 'openai' }],
    ['another tool set is offered', { ...base, tools: ['k8s.scale'] }],
    ['the RiskPolicy redacts more', { ...base, request: { ...base.request, redact: ['email'] } }],
    ['the RiskPolicy allows fewer steps', { ...base, request: { ...base.request, maxSteps: 5 } }],
  ])('changes when %s', (_why, input) => {
    expect(planCacheKey(input)).not.toBe(key);
  });

  it.each<[string, PlanCacheInput]>([
    ['the tools are offered in another order', { ...base, tools: ['k8s.get', 'k8s.scale'] }],
    ['the spec object has its keys in another order', { ...base, decides: { tools: ['k8s.scale'], ...base.decides } }],
    ['a field is present but undefined', { ...base, decides: { ...base.decides, modelTier: undefined } }],
    // levels, approvers, budgets: the plan is judged again, not asked for again
    ['the rest of the RiskPolicy changed', { ...base, request: { maxSteps: 20, redact: [] } }],
  ])('stays the same when %s', (_why, input) => {
    expect(planCacheKey(input)).toBe(key);
  });

  it('has no input for the evidence: Events and pod text never change it', () => {
    // the evidence is not part of PlanCacheInput; a Goal's key is the same however the namespace churns
    const withEvidence = { ...base, evidence: [{ source: 'events', text: 'Warning BackOff pod/web-1' }] };
    expect(planCacheKey(withEvidence)).toBe(key);
  });
});

describe('forgetPlans', () => {
  it("deletes every cached plan of one Goal, and no other Goal's", async () => {
    const store = new MemoryStateStore();
    await store.putSnapshot(planCacheRef('demo', 'uid-1', 'a'), { plan: 1 });
    await store.putSnapshot(planCacheRef('demo', 'uid-1', 'b'), { plan: 2 });
    await store.putSnapshot(planCacheRef('demo', 'uid-10', 'a'), { plan: 3 });
    await store.putSnapshot(planCacheRef('other', 'uid-1', 'a'), { plan: 4 });
    await store.putSnapshot({ kind: 'Goal', namespace: 'demo', name: 'uid-1' }, { goal: 1 });
    expect(await forgetPlans(store, 'demo', 'uid-1')).toBe(2);
    expect(await store.getSnapshot(planCacheRef('demo', 'uid-1', 'a'))).toBeUndefined();
    expect(await store.getSnapshot(planCacheRef('demo', 'uid-10', 'a'))).toEqual({ plan: 3 });
    expect(await store.getSnapshot(planCacheRef('other', 'uid-1', 'a'))).toEqual({ plan: 4 });
    expect(await store.getSnapshot({ kind: 'Goal', namespace: 'demo', name: 'uid-1' })).toEqual({ goal: 1 });
    expect(await forgetPlans(store, 'demo', '')).toBe(0);
  });
});
