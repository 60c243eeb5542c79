// What the model-path tests share: a cluster with one ModelProvider and its
// Secret, a model that answers a valid plan, and the planner's input. Test code only.
import { GoalAgent } from '../../agents/goal/agent.js';
import { Goal } from '../../api/v1alpha1/goal.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { KubeClient } from '../../kube/client.js';
import type { Resource } from '../../kube/resources.js';
import type { ModelClient, PlanCall } from '../../llm/model.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import { MemoryStateStore } from '../../store/memory-store.js';
import type { SecretMasker } from '../../telemetry/logger.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { GatheredEvidence } from './evidence.js';
import { ProviderHealth } from './health.js';
import type { LlmPlanInput } from './plan.js';
import { goalAsk } from '../../agents/goal/ask.js';

export const API_KEY = 'sk-ant-unit-5e1f0c2b9a7d';
export const NS = 'demo';
export const scalePlan = {
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
export function cluster(providerSpec: Record<string, unknown> = {}) {
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
export function model(sink: SecretMasker) {
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

export const goal = (uid: string, spec: Record<string, unknown> = {}) =>
  Goal.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Goal',
    metadata: { name: `g-${uid}`, namespace: NS, uid, generation: 1 },
    spec: { goal: 'checkout is slow: add capacity', planner: 'llm', ...spec },
  });

export const policy = (budgets: Record<string, number> = {}, version = 'demo/default@1'): EffectivePolicy => ({
  source: 'demo/default',
  spec: RiskPolicySpec.parse({ budgets }),
  version,
});

type InputOver = Partial<Omit<LlmPlanInput, 'subject' | 'ask'>> &
  Pick<LlmPlanInput, 'client' | 'secrets'> & { goal: Goal };

export function input({ goal: g, ...over }: InputOver): LlmPlanInput {
  const registry = new ToolRegistry(new GoalAgent().tools());
  return {
    subject: g,
    ask: goalAsk(g),
    policy: policy(),
    registry,
    gate: { denylist: [], allowChanges: true },
    operatorNamespace: 'bosun-system',
    evidence: async (): Promise<GatheredEvidence[]> => [{ source: 'events', value: 'Warning BackOff pod/web-1' }],
    store: new MemoryStateStore(),
    now: new Date('2026-03-01T10:00:00Z'),
    endpoints: ['http://127.0.0.1'],
    health: new ProviderHealth(),
    ...over,
  };
}
