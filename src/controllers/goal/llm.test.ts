import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GoalAgent } from '../../agents/goal/agent.js';
import { Goal } from '../../api/v1alpha1/goal.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { KubeClient } from '../../kube/client.js';
import type { Resource } from '../../kube/resources.js';
import type { ModelClient, PlanCall } from '../../llm/model.js';
import type { Evidence } from '../../llm/prompt.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import { MemoryStateStore } from '../../store/memory-store.js';
import { createLogger, SecretMasker } from '../../telemetry/logger.js';
import { ToolRegistry } from '../../tools/registry.js';
import { planWithModel, type LlmPlanInput } from './llm.js';
import { dailyCounters } from './llm-budget.js';

const API_KEY = 'sk-ant-unit-5e1f0c2b9a7d';
const NS = 'demo';
const scalePlan = {
  steps: [
    {
      tool: 'k8s.scale',
      params: { target: 'deployment/web', replicas: 3 },
      description: 'scale web to 3 replicas',
      reasoning: 'more capacity',
      risk: 'low',
    },
  ],
  risk: 'low',
  reasoning: 'more replicas for the load',
};

let endpoints = 0;
/** A cluster with one ModelProvider (its own endpoint, so that rate limiters are not shared) and its Secret. */
function cluster(providerSpec: Record<string, unknown> = {}) {
  const provider: KubeObject & { spec: unknown } = {
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'ModelProvider',
    metadata: { name: 'default', namespace: NS },
    spec: {
      provider: 'anthropic',
      baseURL: `http://127.0.0.1:9/${++endpoints}`,
      secretRef: { name: 'anthropic', key: 'api-key' },
      models: { low: 'small', medium: 'mid', high: 'big' },
      pricing: { inputPerMillionTokensUSD: 3, outputPerMillionTokensUSD: 15 },
      ...providerSpec,
    },
  };
  const secret = { metadata: { name: 'anthropic' }, data: { 'api-key': Buffer.from(API_KEY).toString('base64') } };
  const fake = {
    tryGet: async (r: Resource, ns: string | undefined) =>
      r.plural === 'modelproviders' && ns === NS ? provider : undefined,
    get: async (r: Resource) => {
      if (r.plural !== 'secrets') throw new Error(`unexpected get of ${r.plural}`);
      return secret;
    },
    patchStatus: async () => undefined,
  };
  return fake as unknown as KubeClient;
}

/** A model that answers with a valid plan, 120 tokens in and 80 out, and remembers what the sink held. */
function model(sink: SecretMasker) {
  const calls: { call: PlanCall; keyRegistered: boolean }[] = [];
  const client: ModelClient = {
    provider: 'anthropic',
    propose: async (call) => {
      calls.push({ call, keyRegistered: sink.mask(API_KEY) !== API_KEY });
      return { input: scalePlan, usage: { inputTokens: 120, outputTokens: 80 } };
    },
  };
  return { calls, client };
}

const goal = (uid: string, spec: Record<string, unknown> = {}) =>
  Goal.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Goal',
    metadata: { name: `g-${uid}`, namespace: NS, uid, generation: 1 },
    spec: { goal: 'checkout is slow: add capacity', planner: 'llm', ...spec },
  });

const policy = (budgets: Record<string, number> = {}, version = 'demo/default@1'): EffectivePolicy => ({
  source: 'demo/default',
  spec: RiskPolicySpec.parse({ budgets }),
  version,
});

function input(over: Partial<LlmPlanInput> & Pick<LlmPlanInput, 'client' | 'goal' | 'secrets'>): LlmPlanInput {
  const registry = new ToolRegistry(new GoalAgent().tools());
  return {
    policy: policy(),
    registry,
    gate: { denylist: [], allowChanges: true },
    operatorNamespace: 'bosun-system',
    evidence: async (): Promise<Evidence[]> => [{ source: 'events', text: 'Warning BackOff pod/web-1' }],
    store: new MemoryStateStore(),
    now: new Date('2026-03-01T10:00:00Z'),
    ...over,
  };
}

describe('planWithModel', () => {
  it('adds the API key to the secret sink before the model is called, so no log line shows it', async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const out = await planWithModel(
      input({ client: cluster(), goal: goal('u1'), secrets: masker, connect: () => connectTo }),
    );
    expect('plan' in out).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.keyRegistered).toBe(true);
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _enc, cb) => void (lines.push(chunk.toString()), cb()),
    });
    createLogger({ destination, masker }).error({ err: new Error(`401 invalid x-api-key ${API_KEY}`) }, 'call');
    expect(lines.join('')).not.toContain(API_KEY);
  });

  it('does not ask again when only the evidence changed; does when the spec did', async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const store = new MemoryStateStore();
    const client = cluster();
    const base = { client, secrets: masker, store, connect: () => connectTo };
    await planWithModel(input({ ...base, goal: goal('u2') }));
    const again = await planWithModel(
      input({ ...base, goal: goal('u2'), evidence: async () => [{ source: 'events', text: 'a new Event' }] }),
    );
    expect(calls).toHaveLength(1);
    expect(again).toMatchObject({ usage: { inputTokens: 0, outputTokens: 0, usd: 0 } }); // reused: costs nothing
    await planWithModel(input({ ...base, goal: goal('u2', { goal: 'checkout is slow: restart it' }) }));
    await planWithModel(input({ ...base, goal: goal('u2'), policy: policy({}, 'demo/default@2') }));
    expect(calls).toHaveLength(3);
  });

  it("returns a wait, and calls nothing, when the provider's tokens per minute have no room", async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const client = cluster({ rateLimits: { requestsPerMinute: 60, tokensPerMinute: 500 } });
    const base = { client, secrets: masker, connect: () => connectTo };
    const first = await planWithModel(input({ ...base, goal: goal('u3') })); // a full bucket lets one big prompt go
    expect('plan' in first).toBe(true);
    const second = await planWithModel(input({ ...base, goal: goal('u4') }));
    expect(second).toMatchObject({ why: expect.stringMatching(/allows 500 tokens a minute/) as unknown });
    expect('waitMs' in second && second.waitMs).toBeGreaterThan(20_000); // 200 tokens used: 24 s to refill
    expect(calls).toHaveLength(1);
  });

  it('counts cost per namespace per day in micro-dollars, and stops before a call once it is spent', async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const store = new MemoryStateStore();
    const now = new Date('2026-03-01T10:00:00Z');
    const base = {
      client: cluster(),
      secrets: masker,
      store,
      now,
      connect: () => connectTo,
      policy: policy({ maxCostPerNamespacePerDayUSD: 0.002 }),
    };
    await planWithModel(input({ ...base, goal: goal('u5') }));
    const counters = dailyCounters(NS, now);
    expect(await store.getUsage(counters.microUSD)).toBe(120 * 3 + 80 * 15); // $0.00156
    expect(await store.getUsage(counters.tokens)).toBe(200);
    await planWithModel(input({ ...base, goal: goal('u6') })); // $0.00156 < $0.002: asked, now $0.00312
    const third = await planWithModel(input({ ...base, goal: goal('u7') }));
    expect(third).toMatchObject({ stall: { reason: 'BudgetExceeded' } });
    expect(calls).toHaveLength(2);
    const tomorrow = await planWithModel(input({ ...base, goal: goal('u7'), now: new Date('2026-03-02T00:00:01Z') }));
    expect('plan' in tomorrow).toBe(true);
  });
});
