// Planning a free-text Goal with a model: the ModelProvider and its key, the
// tier, the budget (checked before the call), read-only evidence (redacted),
// the Goal's allowed tools with their JSON Schemas, and the registry's checks
// on whatever comes back.
import { z } from 'zod';
import { errorMessage, hasCode } from '../../api/errors.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import type { Goal } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { ModelProviderSpec } from '../../api/v1alpha1/model-provider.js';
import { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import { bosunResource, core } from '../../kube/resources.js';
import { anthropicClient } from '../../llm/anthropic.js';
import type { ModelClient, Usage } from '../../llm/model.js';
import { ollamaClient } from '../../llm/ollama.js';
import { openaiClient } from '../../llm/openai.js';
import { InvalidPlanError, proposePlan } from '../../llm/planner.js';
import { systemPrompt, userPrompt, type Evidence } from '../../llm/prompt.js';
import { CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS, Redactor, type Pattern } from '../../redact/index.js';
import { estimateTokens, limiterFor, tokenLimiterFor } from '../../llm/rate-limit.js';
import { routeTier } from '../../llm/router.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { StateStore } from '../../store/state-store.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { Gate, ToolRegistry } from '../../tools/registry.js';
import { budgetStall, dailyCounters, toMicroUSD } from './llm-budget.js';
import { planCacheKey, planCacheRef } from './llm-cache.js';
import type { Stall } from './validate.js';

const modelProviders = bosunResource(kindInfo('ModelProvider'));

const LlmPlanRecord = z.object({
  plan: ExecutionPlan,
  usage: z.object({
    inputTokens: z.number(),
    outputTokens: z.number(),
    provider: z.string(),
    model: z.string(),
    usd: z.number(),
  }),
  redacted: z.record(z.string(), z.number()),
});

export interface LlmUsage extends Usage {
  provider: string;
  model: string;
  usd: number;
}

/**
 * `redacted`: what kinds of values were removed from the prompt, and how many (never the values).
 * `waitMs`: the provider's tokens per minute have no room now; ask again after that long (requeue, not sleep).
 */
export type LlmOutcome =
  | { plan: ExecutionPlan; usage: LlmUsage; redacted: Record<string, number> }
  | { stall: Stall; usage?: LlmUsage; answers?: unknown[] }
  | { waitMs: number; why: string };

async function findProvider(client: KubeClient, namespace: string, operatorNamespace: string) {
  for (const ns of [namespace, operatorNamespace]) {
    const obj = await client.tryGet<KubeObject & { spec?: unknown; status?: Record<string, unknown> }>(
      modelProviders,
      ns,
      'default',
    );
    if (obj) return { namespace: ns, object: obj, spec: ModelProviderSpec.parse(obj.spec ?? {}) };
  }
  return undefined;
}

/** ModelProvider status: reachable and the last error, as the last call found them. */
async function reportReachability(
  client: KubeClient,
  object: KubeObject & { status?: Record<string, unknown> },
  error: string | undefined,
): Promise<void> {
  const { lastError: _e, ...rest } = object.status ?? {};
  const status = {
    ...rest,
    reachable: error === undefined,
    ...(error && { lastError: error.slice(0, 2000) }),
    lastCheckedAt: timestamp(),
  };
  try {
    await client.patchStatus(modelProviders, object, status);
  } catch {
    // best effort: a conflict means someone else just reported
  }
}

function clientFor(spec: ModelProviderSpec, apiKey: string | undefined): ModelClient {
  const opts = { baseURL: spec.baseURL, apiKey, timeoutMs: spec.timeoutSeconds * 1000, maxRetries: 2 };
  if (spec.provider === 'anthropic') return anthropicClient(opts);
  if (spec.provider === 'openai') return openaiClient(opts);
  return ollamaClient(opts);
}

export interface LlmPlanInput {
  client: KubeClient;
  goal: Goal;
  policy: EffectivePolicy;
  registry: ToolRegistry;
  gate: Gate;
  operatorNamespace: string;
  /** gathers read-only evidence; called only once the provider and the budgets allow a call */
  evidence: () => Promise<Evidence[]>;
  /** where per-namespace daily usage is counted, and the plans made are kept */
  store: Pick<StateStore, 'addUsage' | 'getUsage' | 'getSnapshot' | 'putSnapshot'>;
  /** the API key is added here as soon as it is read, before any use (the log masks it) */
  secrets: SecretSink;
  now: Date;
  /** test seam: the model client for a provider (default: its official SDK) */
  connect?: (spec: ModelProviderSpec, apiKey: string | undefined) => ModelClient;
}

export async function planWithModel(input: LlmPlanInput): Promise<LlmOutcome> {
  const { client, goal, policy, registry, gate } = input;
  const namespace = goal.metadata.namespace ?? '';
  const provider = await findProvider(client, namespace, input.operatorNamespace);
  if (!provider)
    return {
      stall: {
        reason: GoalReason.NoModelProvider,
        message: `waiting for a ModelProvider named default in ${namespace} or ${input.operatorNamespace}: create one (config/samples/modelprovider.yaml shows its shape; name it default) and Bosun plans this Goal, or use a typed spec.intent`,
      },
    };

  const tier = routeTier({
    kind: 'Goal',
    typed: Boolean(goal.spec.intent),
    targets: 1,
    mode: goal.spec.mode,
    override: goal.spec.modelTier,
  });
  const model = provider.spec.models[tier];
  const tools = registry
    .list()
    .filter((t) => (!gate.allowlist || gate.allowlist.includes(t.name)) && !gate.denylist.includes(t.name))
    .map((t) => ({
      name: t.name,
      description: t.description,
      params: z.toJSONSchema(t.params as z.ZodType, {
        target: 'draft-7',
        io: 'input',
        unrepresentable: 'any',
      }) as Record<string, unknown>,
    }));

  // a plan already made for this Goal, spec, model, tool set and policy is not asked for again (a requeue, a
  // restart, evidence that changed meanwhile): it is reused before any budget, Secret or evidence is read
  const cacheRef = planCacheRef(
    namespace,
    goal.metadata.uid ?? '',
    planCacheKey({
      uid: goal.metadata.uid ?? '',
      spec: goal.spec,
      provider: provider.spec.provider,
      model,
      tools: tools.map((t) => t.name),
      policyVersion: policy.version,
    }),
  );
  const cached = LlmPlanRecord.safeParse(await input.store.getSnapshot(cacheRef));
  if (cached.success)
    return { ...cached.data, usage: { ...cached.data.usage, inputTokens: 0, outputTokens: 0, usd: 0 } };

  // the budgets are checked before the call, never after
  const counters = dailyCounters(namespace, input.now);
  const daily = policy.spec.budgets;
  const over = budgetStall(goal, policy, {
    namespaceTokensToday:
      daily?.maxTokensPerNamespacePerDay !== undefined ? await input.store.getUsage(counters.tokens) : undefined,
    namespaceMicroUSDToday:
      daily?.maxCostPerNamespacePerDayUSD !== undefined ? await input.store.getUsage(counters.microUSD) : undefined,
  });
  if (over) return { stall: over };

  const redactor = new Redactor([
    ...CREDENTIAL_PATTERNS,
    ...policy.spec.redact.map((k) => OPTIONAL_PATTERNS[k] as Pattern),
  ]);
  let apiKey: string | undefined;
  if (provider.spec.secretRef) {
    try {
      const secret = await client.get<KubeObject & { data?: Record<string, string> }>(
        core.secrets,
        provider.namespace,
        provider.spec.secretRef.name,
      );
      apiKey = Buffer.from(secret.data?.[provider.spec.secretRef.key] ?? '', 'base64').toString('utf8') || undefined;
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND') && !hasCode(err, 'BOSUN_ERR_KUBE_FORBIDDEN')) throw err;
      return {
        stall: {
          reason: GoalReason.NoModelProvider,
          message: `cannot read the API key of ModelProvider ${provider.namespace}/default (Secret ${provider.spec.secretRef.name}): ${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}`,
        },
      };
    }
    if (apiKey) {
      input.secrets.add(apiKey);
      redactor.addSecret(apiKey);
    }
  }

  const report = { counts: {} as Record<string, number> };
  const evidence = (await input.evidence()).map((e) => ({
    source: e.source,
    text: redactor.redact(e.text, report).text,
  }));
  const goalText = redactor.redact(goal.spec.goal ?? JSON.stringify(goal.spec.intent), report).text;
  const maxSteps = Math.min(goal.spec.budget?.maxSteps ?? 20, policy.spec.budgets?.maxStepsPerPlan ?? 20);
  const endpoint = `${provider.spec.provider}:${provider.spec.baseURL ?? 'default'}`;

  // tokens per minute: a call that does not fit now is not made; the reconciler requeues after the wait
  const perMinute = provider.spec.rateLimits?.tokensPerMinute;
  const tokenLimiter = perMinute === undefined ? undefined : tokenLimiterFor(endpoint, perMinute);
  const estimate = estimateTokens(systemPrompt(tools, maxSteps) + userPrompt(goalText, namespace, evidence));
  const waitMs = tokenLimiter?.tryTake(estimate) ?? 0;
  if (waitMs > 0)
    return {
      waitMs,
      why:
        `ModelProvider ${provider.namespace}/default allows ${perMinute} tokens a minute ` +
        `and this call needs about ${estimate}: waiting for the minute to have room`,
    };
  const settle = (u: Usage) => tokenLimiter?.settle(estimate, u.inputTokens + u.outputTokens);

  const limiter = limiterFor(endpoint, provider.spec.rateLimits?.requestsPerMinute ?? 60);
  const base = (input.connect ?? clientFor)(provider.spec, apiKey);
  const rateLimited: ModelClient = {
    provider: base.provider,
    propose: async (call) => {
      await limiter.take();
      return base.propose(call);
    },
  };

  const price = (u: Usage) =>
    ((provider.spec.pricing?.inputPerMillionTokensUSD ?? 0) * u.inputTokens +
      (provider.spec.pricing?.outputPerMillionTokensUSD ?? 0) * u.outputTokens) /
    1e6;
  const count = async (u: Usage) => {
    settle(u);
    await input.store.addUsage(counters.tokens, u.inputTokens + u.outputTokens);
    const micro = toMicroUSD(price(u));
    if (micro > 0) await input.store.addUsage(counters.microUSD, micro);
  };
  try {
    const result = await proposePlan({
      client: rateLimited,
      model,
      goal: goalText,
      namespace,
      evidence,
      tools,
      maxSteps,
      check: (plan) => {
        for (const [i, s] of plan.steps.entries()) {
          try {
            registry.check(s, gate);
          } catch (err) {
            return `step ${i + 1}: ${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}`;
          }
        }
        return undefined;
      },
    });
    await count(result.usage);
    await reportReachability(client, provider.object, undefined);
    // what the model wrote for people goes through the same redaction before any status, Event or record
    const clean = (t: string) => redactor.redact(t).text;
    const plan = {
      ...result.plan,
      reasoning: clean(result.plan.reasoning),
      steps: result.plan.steps.map((st) => ({
        ...st,
        description: clean(st.description),
        ...(st.reasoning !== undefined && { reasoning: clean(st.reasoning) }),
      })),
    };
    const outcome = {
      plan,
      usage: { ...result.usage, provider: provider.spec.provider, model, usd: price(result.usage) },
      redacted: report.counts,
    };
    await input.store.putSnapshot(cacheRef, outcome);
    return outcome;
  } catch (err) {
    if (err instanceof InvalidPlanError) {
      await count(err.usage);
      await reportReachability(client, provider.object, undefined);
      const usage = { ...err.usage, provider: provider.spec.provider, model, usd: price(err.usage) };
      return {
        stall: {
          reason: GoalReason.InvalidPlan,
          message: `${err.message.replace(/^BOSUN_ERR_\w+: /, '')}: rephrase spec.goal, or use a typed spec.intent`,
        },
        usage,
        answers: err.answers.map((a) => redactor.redact(JSON.stringify(a)).text),
      };
    }
    await reportReachability(client, provider.object, redactor.redact(errorMessage(err)).text);
    return {
      stall: {
        reason: GoalReason.ProviderUnavailable,
        message: `the model could not be reached (${provider.spec.provider} ${model}): ${redactor.redact(errorMessage(err)).text.slice(0, 300)}; retried on the next resync`,
      },
    };
  }
}
