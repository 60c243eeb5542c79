// The model planner as an Agent. main.ts makes one, with what every model plan
// needs (the API reader for ModelProviders and their keys, Bosun's store for
// budgets and plans made, the Secret sink, the allowed endpoints, the usage
// metrics); each planning kind then gets its own with `for`: what the model is
// asked and shown for a subject of that kind, and where its calls run (off the
// kind's reconcile workers).
import type { Agent, PlanInput, Proposal } from '../../agents/agent.js';
import type { KubeClient } from '../../kube/client.js';
import type { ModelAsk } from '../../llm/ask.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { AnyTool } from '../../tools/tool.js';
import type { ModelCalls } from './calls.js';
import type { GatheredEvidence } from './evidence.js';
import { planWithModel, type LlmPlanInput, type LlmOutcome, type LlmUsage, type ModelSubject } from './plan.js';

export interface ModelAgentDeps {
  client: KubeClient;
  store: LlmPlanInput['store'];
  secrets: SecretSink;
  /** where a ModelProvider's baseURL may point (--model-endpoints) */
  endpoints: readonly string[];
  operatorNamespace: string;
  /** every round paid for, for the metrics */
  onUsage?: (usage: LlmUsage, namespace: string) => void;
  /** what each namespace's daily budgets have used, for the metrics */
  onBudget?: LlmPlanInput['onBudget'];
  /** test seams: the model client for a provider, and per-provider backoff */
  connect?: LlmPlanInput['connect'];
  health?: LlmPlanInput['health'];
}

/** What a kind tells the model: the request for a subject, and the read-only evidence beside it. */
export interface ModelBrief<S extends ModelSubject, F> {
  ask(input: PlanInput<S, F>): ModelAsk;
  /** called only once the provider and the budgets allow a call */
  evidence(input: PlanInput<S, F>): Promise<GatheredEvidence[]>;
  tools: readonly AnyTool[];
}

export class ModelAgent {
  constructor(private readonly deps: ModelAgentDeps) {}

  /** The model planner for one kind; `calls`: where its calls run, off the reconcile workers (absent: awaited). */
  for<S extends ModelSubject, F>(brief: ModelBrief<S, F>, calls?: ModelCalls<LlmOutcome>): Agent<S, F> {
    const deps = this.deps;
    return {
      name: 'model',
      tools: () => [...brief.tools],
      async plan(input): Promise<Proposal> {
        const outcome = await planWithModel({
          ...deps,
          subject: input.subject,
          ask: brief.ask(input),
          policy: input.policy,
          registry: input.registry,
          gate: input.gate,
          evidence: () => brief.evidence(input),
          now: input.now,
          calls,
        });
        const used = outcome.usage;
        if (used && used.inputTokens + used.outputTokens > 0)
          deps.onUsage?.(used, input.subject.metadata.namespace ?? '');
        return outcome;
      },
    };
  }
}
