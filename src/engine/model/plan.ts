// The model planner, for any planning kind (a free-text Goal, a Remediation to
// heal): the ModelProvider (at an allowed endpoint) and its key, the tier, the
// budgets (checked before the call, every paid round counted at once),
// read-only evidence (redacted, then cut), the tools the subject and the
// RiskPolicy allow, with their JSON Schemas, and the registry's checks on
// whatever comes back. The call itself runs off the reconcile worker when the
// controller gives it somewhere to run.
import { z } from 'zod';
import { errorMessage, hasCode } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { ModelProviderSpec } from '../../api/v1alpha1/model-provider.js';
import { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { PlanReason } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import { core } from '../../kube/resources.js';
import { endpointRefusal } from '../../llm/endpoints.js';
import type { LlmUsage, ModelClient, Usage } from '../../llm/model.js';
import { EmptyPlanError, InvalidPlanError, proposePlan } from '../../llm/planner.js';
import { buildPrompt } from '../../llm/prompt.js';
import { sanitizePlan } from '../../llm/sanitize.js';
import { providerHealth, type ProviderHealth } from './health.js';
import { offeredTools } from './offered.js';
import { CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS, Redactor, redactThenCut, type Pattern } from '../../redact/index.js';
import { estimateTokens, limiterFor, tokenLimiterFor } from '../../llm/rate-limit.js';
import type { ModelAsk } from '../../llm/ask.js';
import { routeTier } from '../../llm/router.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { StateStore } from '../../store/state-store.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { Gate, ToolRegistry } from '../../tools/registry.js';
import { budgetStall, dailyCounters, tokenLimits, tokensLeft, toMicroUSD, type DailyBudgetUse } from './budget.js';
import { planCacheKey, planCacheRef } from './cache.js';
import { MIN_OUTPUT_TOKENS, meteredClient, ProviderCallError } from './meter.js';
import { clientFor, findProvider, reportReachability } from './provider.js';
import type { ModelCalls } from './calls.js';
import type { GatheredEvidence } from './evidence.js';
import type { Stall } from '../subject.js';
import type { BudgetSubject } from './budget.js';

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

export type { LlmUsage } from '../../llm/model.js';

/**
 * `redacted`: what kinds of values were removed from the prompt, and how many (never the values).
 * `waitMs`: ask again after that long (requeue, never sleep): the provider's rate limits have no room now,
 * or (`unavailable`) the provider failed and is backed off. `usage`: every round paid for, whatever came of it.
 */
export type LlmOutcome =
  | { plan: ExecutionPlan; usage: LlmUsage; redacted: Record<string, number> }
  | { stall: Stall; usage?: LlmUsage; answers?: unknown[] }
  | { waitMs: number; why: string; unavailable?: Stall; usage?: LlmUsage };

/** How much of each evidence source the prompt holds (after redaction). */
const EVIDENCE_CHARS = 8000;

/** The subject, as far as the model planner reads it. */
export interface ModelSubject extends BudgetSubject {
  spec: BudgetSubject['spec'] & { mode: 'plan-only' | 'auto'; modelTier?: 'low' | 'medium' | 'high' };
}

export interface LlmPlanInput {
  client: KubeClient;
  subject: ModelSubject;
  ask: ModelAsk;
  policy: EffectivePolicy;
  registry: ToolRegistry;
  gate: Gate;
  operatorNamespace: string;
  /** gathers read-only evidence; called only once the provider and the budgets allow a call */
  evidence: () => Promise<GatheredEvidence[]>;
  /** where per-namespace daily usage is counted, and the plans made are kept */
  store: Pick<StateStore, 'addUsage' | 'getUsage' | 'getSnapshot' | 'putSnapshot'>;
  /** the API key is added here as soon as it is read, before any use (the log masks it) */
  secrets: SecretSink;
  now: Date;
  /** the endpoints a ModelProvider's baseURL may point at (--model-endpoints) */
  endpoints: readonly string[];
  /** test seam: the model client for a provider (default: its official SDK) */
  connect?: (spec: ModelProviderSpec, apiKey: string | undefined) => ModelClient;
  /** test seam: per-provider backoff (default: the process's) */
  health?: ProviderHealth;
  /** where calls run off the reconcile worker (absent: the call is awaited here) */
  calls?: ModelCalls<LlmOutcome>;
  /** told what the namespace's daily budgets have used, when read and after each round, for the metrics */
  onBudget?: (use: DailyBudgetUse) => void;
}

export async function planWithModel(input: LlmPlanInput): Promise<LlmOutcome> {
  const { client, subject, ask, policy, registry, gate } = input;
  const namespace = subject.metadata.namespace ?? '';
  const kind = ask.kind;
  const provider = await findProvider(client, namespace, input.operatorNamespace);
  if (!provider)
    return {
      stall: {
        reason: PlanReason.NoModelProvider,
        message:
          `waiting for a ModelProvider named default in ${namespace} or ${input.operatorNamespace}: create one ` +
          `(config/samples/modelprovider.yaml shows its shape; name it default) and Bosun plans this ${kind}, ` +
          `or ${ask.instead}`,
      },
    };

  const refused = endpointRefusal(provider.spec.provider, provider.spec.baseURL, input.endpoints);
  if (refused)
    return {
      stall: {
        reason: PlanReason.ModelEndpointNotAllowed,
        message: `ModelProvider ${provider.namespace}/default is not used: ${refused}`,
      },
    };

  const tier = routeTier({
    kind,
    typed: ask.typed,
    symptoms: ask.symptoms,
    targets: 1,
    mode: subject.spec.mode,
    override: subject.spec.modelTier,
  });
  const model = provider.spec.models[tier];
  const allow = policy.spec.tools.allow;
  const tools = offeredTools(registry, gate, policy);
  const maxSteps = Math.min(subject.spec.budget?.maxSteps ?? 20, policy.spec.budgets?.maxStepsPerPlan ?? 20);

  // a plan already made for this subject, spec, model and request (tools offered, redaction, step limit) is not
  // asked for again (a requeue, a restart, evidence that changed meanwhile, a policy edit that leaves the request
  // as it was): it is reused, and judged anew, before any budget, Secret or evidence is read
  const cacheRef = planCacheRef(
    namespace,
    subject.metadata.uid ?? '',
    planCacheKey({
      uid: subject.metadata.uid ?? '',
      decides: ask.decides,
      provider: provider.spec.provider,
      model,
      tools: tools.map((t) => t.name),
      request: { redact: policy.spec.redact, maxSteps },
    }),
  );
  // a call started by an earlier reconcile: still running, or done (its outcome, usage included, taken once)
  const callKey = cacheRef.name;
  const callWaitMs = provider.spec.timeoutSeconds * 3000 + 5000; // a fallback: the call's end enqueues the Goal
  const inFlight = input.calls?.take(callKey);
  if (inFlight === 'running') return { waitMs: callWaitMs, why: 'the model is still being asked' };
  if (inFlight && 'err' in inFlight) throw inFlight.err;
  if (inFlight) return inFlight.ok;

  const cached = LlmPlanRecord.safeParse(await input.store.getSnapshot(cacheRef));
  if (cached.success)
    return {
      ...cached.data,
      plan: sanitizePlan(cached.data.plan), // kept by an older Bosun, perhaps before its text was sanitised
      usage: { ...cached.data.usage, inputTokens: 0, outputTokens: 0, usd: 0 },
    };

  // a provider that just failed is backed off for every Goal: the Goal waits, its status unchanged
  const endpoint = `${provider.spec.provider}:${provider.spec.baseURL ?? 'default'}`;
  const health = input.health ?? providerHealth;
  const unavailable = (why: string): Stall => ({
    reason: PlanReason.ProviderUnavailable,
    message:
      `the model could not be reached (${provider.spec.provider} ${model}: ${why}); ` +
      'Bosun asks again with backoff, at most every 5 minutes',
  });
  const backedOff = health.backoff(endpoint);
  if (backedOff.waitMs > 0)
    return {
      waitMs: backedOff.waitMs,
      why: `ModelProvider ${provider.namespace}/default is backed off: ${backedOff.why}`,
      unavailable: unavailable(backedOff.why),
    };

  // the budgets are checked before the call, never after
  const counters = dailyCounters(namespace, input.now);
  const daily = policy.spec.budgets;
  const use = {
    namespaceTokensToday: await input.store.getUsage(counters.tokens),
    namespaceMicroUSDToday:
      daily?.maxCostPerNamespacePerDayUSD !== undefined ? await input.store.getUsage(counters.microUSD) : undefined,
  };
  const dailyUse = (u: { tokens: number; microUSD?: number }) =>
    input.onBudget?.({
      namespace,
      day: counters.day,
      tokenLimit: tokenLimits(subject, policy).perNamespacePerDay,
      costLimitUSD: daily?.maxCostPerNamespacePerDayUSD,
      ...u,
    });
  dailyUse({ tokens: use.namespaceTokensToday, microUSD: use.namespaceMicroUSDToday });
  const over = budgetStall(subject, policy, use);
  if (over) return { stall: over };
  const left = tokensLeft(subject, policy, use);

  // the rest (the Secret, the evidence, the rate limits, the call) runs off the reconcile worker when it can:
  // its API reads and the call take time, and a flood of model Goals must not hold the workers other Goals need
  const run = async (): Promise<LlmOutcome> => {
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
            reason: PlanReason.NoModelProvider,
            message:
              `cannot read the API key of ModelProvider ${provider.namespace}/default ` +
              `(Secret ${provider.spec.secretRef.name}): ${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}`,
          },
        };
      }
      if (apiKey) {
        input.secrets.add(apiKey);
        redactor.addSecret(apiKey);
      }
    }

    const report = { counts: {} as Record<string, number> };
    // redacted first (by field, then by pattern), then encoded and cut: a cut never lets half a secret through
    const evidence = (await input.evidence()).map((e) => ({
      source: e.source,
      text: redactThenCut(e.value, EVIDENCE_CHARS, redactor, report),
    }));
    const goalText = redactor.redact(ask.text, report).text;

    // the prompt's size is known before the call: a call the budget cannot pay for is not made
    const sized = buildPrompt({ goal: goalText, namespace, evidence, tools, maxSteps });
    const estimate = estimateTokens(sized.system + sized.user);
    if (estimate + MIN_OUTPUT_TOKENS > left)
      return {
        stall: {
          reason: PlanReason.BudgetExceeded,
          message:
            `a call would need about ${estimate + MIN_OUTPUT_TOKENS} LLM tokens and the Goal's or the namespace's ` +
            `budget has ${left} left: raise spec.budget.maxTokens (within the RiskPolicy's budgets), or plan tomorrow`,
        },
      };

    // rate limits: a call that does not fit now is not made; the reconciler requeues after the wait
    const perMinute = provider.spec.rateLimits?.tokensPerMinute;
    const tokenLimiter = perMinute === undefined ? undefined : tokenLimiterFor(endpoint, perMinute);
    const requests = limiterFor(endpoint, provider.spec.rateLimits?.requestsPerMinute ?? 60);
    const requestWait = requests.tryTake(1);
    if (requestWait > 0)
      return {
        waitMs: requestWait,
        why:
          `ModelProvider ${provider.namespace}/default allows ` +
          `${provider.spec.rateLimits?.requestsPerMinute ?? 60} calls a minute`,
      };
    const tokenWait = tokenLimiter?.tryTake(estimate) ?? 0;
    if (tokenWait > 0)
      return {
        waitMs: tokenWait,
        why:
          `ModelProvider ${provider.namespace}/default allows ${perMinute} tokens a minute ` +
          `and this call needs about ${estimate}: waiting for the minute to have room`,
      };

    const price = (u: Usage) =>
      ((provider.spec.pricing?.inputPerMillionTokensUSD ?? 0) * u.inputTokens +
        (provider.spec.pricing?.outputPerMillionTokensUSD ?? 0) * u.outputTokens) /
      1e6;
    // every round is counted as soon as it is paid for (status, metrics, the daily budget), whatever comes after
    const meter = meteredClient({
      base: (input.connect ?? clientFor)(provider.spec, apiKey),
      tokensLeft: left,
      price,
      onRepairRound: () => requests.force(), // a repair round of a call already let through
      count: async (used) => {
        const tokens = await input.store.addUsage(counters.tokens, used.inputTokens + used.outputTokens);
        const micro = toMicroUSD(price(used));
        dailyUse({ tokens, microUSD: micro > 0 ? await input.store.addUsage(counters.microUSD, micro) : undefined });
      },
    });
    const paid = meter.paid;
    const metered = meter.client;
    const priced = (): LlmUsage => ({ ...paid, provider: provider.spec.provider, model, usd: price(paid) });
    try {
      const result = await proposePlan({
        client: metered,
        model,
        goal: goalText,
        namespace,
        evidence,
        tools,
        maxSteps,
        // each step's params become exactly what its tool's schema parses: extra keys never reach status or the hash
        check: (plan) => {
          const steps = [];
          for (const [i, s] of plan.steps.entries()) {
            if (allow && !allow.includes(s.tool))
              return (
                `step ${i + 1}: ${s.tool} is not in ${policy.source}'s spec.tools.allow: ` +
                'use only the tools offered'
              );
            try {
              steps.push(registry.normalize(s, gate));
            } catch (err) {
              return `step ${i + 1}: ${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}`;
            }
          }
          return { plan: { ...plan, steps } };
        },
      });
      health.succeeded(endpoint);
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
      const outcome = { plan, usage: priced(), redacted: report.counts };
      await input.store.putSnapshot(cacheRef, outcome);
      return outcome;
    } catch (err) {
      if (err instanceof EmptyPlanError) {
        health.succeeded(endpoint);
        // nothing to do is a claim Bosun cannot check for a free-text Goal: it is not success
        return {
          stall: {
            reason: PlanReason.EmptyPlan,
            message:
              `the model proposed no step ` +
              `(${redactor.redact(err.reasoning).text.slice(0, 500) || 'no reason given'}); ` +
              `Bosun cannot verify that the ${kind} is already met: ${ask.rephrase}, or ${ask.instead}`,
          },
          usage: priced(),
          answers: err.answers.map((a) => redactThenCut(a, EVIDENCE_CHARS, redactor)), // by field first, then encoded
        };
      }
      if (err instanceof InvalidPlanError) {
        health.succeeded(endpoint); // it answered
        await reportReachability(client, provider.object, undefined);
        return {
          stall: {
            reason: PlanReason.InvalidPlan,
            message:
              `${redactor.redact(err.message.replace(/^BOSUN_ERR_\w+: /, '')).text}: ` +
              `${ask.rephrase}, or ${ask.instead}`,
          },
          usage: priced(),
          answers: err.answers.map((a) => redactThenCut(a, EVIDENCE_CHARS, redactor)), // by field first, then encoded
        };
      }
      if (hasCode(err, 'BOSUN_ERR_LLM_BUDGET'))
        return {
          stall: {
            reason: PlanReason.BudgetExceeded,
            message: `${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}: raise spec.budget.maxTokens to plan again`,
          },
          usage: priced(),
        };
      if (!(err instanceof ProviderCallError)) throw err; // Bosun's own reads and writes: retried as any other
      const waitMs = health.failed(endpoint, err.message);
      await reportReachability(client, provider.object, err.message);
      return {
        waitMs,
        why: `the model call failed: ${err.message}`,
        unavailable: unavailable(err.message),
        usage: priced(),
      };
    } finally {
      tokenLimiter?.settle(estimate, paid.inputTokens + paid.outputTokens);
    }
  };
  if (!input.calls) return run();
  // off the reconcile worker: the Goal is enqueued when the call is done, and takes its outcome then
  input.calls.start(callKey, `${namespace}/${subject.metadata.name}`, run);
  return { waitMs: callWaitMs, why: `asking ${provider.spec.provider} ${model} for a plan` };
}
