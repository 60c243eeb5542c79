// The model healer (spec.planner: llm): the same evidence and diagnosis as the
// rule healer, then the plan engine's model planner, with the same
// ModelProvider, endpoints, redaction, budgets, cache and schema checks as a
// free-text Goal. What the model proposes is judged like any plan. When the
// model cannot be reached and the RiskPolicy allows it (llmFallback: rules),
// the rule playbooks heal instead.
import { diagnose } from '../../agents/heal/diagnose.js';
import type { LastChange } from '../../agents/heal/evidence.js';
import { targetStateOf } from '../../agents/heal/target-state.js';
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import type { ModelCalls } from '../../engine/model/calls.js';
import { planWithModel, type LlmOutcome, type LlmUsage } from '../../engine/model/plan.js';
import { loadPolicy, type PolicyCache } from '../../engine/policy.js';
import { gateFor } from '../../engine/subject.js';
import type { KubeClient } from '../../kube/client.js';
import type { ModelAsk } from '../../llm/ask.js';
import { builtInPolicy } from '../../policy/decision.js';
import type { StateStore } from '../../store/state-store.js';
import type { SecretSink } from '../../telemetry/logger.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { gatherHealEvidence } from './evidence.js';
import type { Diagnosis, Healer } from './heal.js';

export interface ModelHealerDeps {
  client: KubeClient;
  store: StateStore;
  policies: PolicyCache;
  operatorNamespace: string;
  tools: readonly AnyTool[];
  secrets: SecretSink;
  endpoints: readonly string[];
  calls?: ModelCalls<LlmOutcome>;
  now: () => Date;
  /** the rule healer, for llmFallback: rules */
  rules: Healer;
  onUsage?: (usage: LlmUsage, namespace: string) => void;
}

/** What the model is asked for a Remediation: the issue, its symptoms, and what diagnosis found. */
export function remediationAsk(rem: Remediation, d: Diagnosis): ModelAsk {
  const { issue, targetRef, symptoms } = rem.spec;
  const text = [
    `heal ${targetRef.kind} ${targetRef.name}: ${issue.summary}`,
    ...symptoms.map((s) => `symptom: ${s}`),
    d.symptom ? `diagnosis: ${d.symptom}: ${d.hypothesis ?? ''}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return {
    kind: 'Remediation',
    text,
    // the plan is for this issue and symptom; not the hypothesis's words, which carry times ("1 s ago") and
    // would ask (and pay) again on every reconcile
    decides: { issue, targetRef, symptoms, mode: rem.spec.mode, symptom: d.symptom },
    typed: false,
    symptoms: symptoms.length,
    instead: 'use spec.planner: rules',
    rephrase: 'add what you know to spec.symptoms',
  };
}

export function modelHealer(deps: ModelHealerDeps): Healer {
  return async (rem, ctx) => {
    const namespace = rem.metadata.namespace ?? '';
    const { kind, name } = rem.spec.targetRef;
    const change = ctx.lastChange;
    const lastChange = change && { kind: change.kind as LastChange['kind'], name: change.name, at: change.at };
    const evidence = await gatherHealEvidence(deps.client, { namespace, kind, name }, { lastChange });
    const d = diagnose(evidence, deps.now());
    const diagnosis: Diagnosis = { evidence: d.findings, symptom: d.symptom, hypothesis: d.hypothesis };
    const policy =
      loadPolicy(deps.policies, namespace, rem.spec.riskPolicyRef, deps.operatorNamespace) ?? builtInPolicy;
    const registry = new ToolRegistry(deps.tools);
    const outcome = await planWithModel({
      client: deps.client,
      subject: rem,
      ask: remediationAsk(rem, diagnosis),
      policy,
      registry,
      gate: gateFor(rem, policy),
      operatorNamespace: deps.operatorNamespace,
      // the same read-only evidence the diagnosis read, redacted by field and pattern before the prompt
      evidence: async () => [
        { source: 'diagnosis', value: diagnosis },
        { source: 'target', value: evidence.workload },
        { source: 'revisions', value: evidence.revisions },
        { source: 'pods', value: evidence.pods },
        { source: 'events', value: evidence.events },
      ],
      store: deps.store,
      secrets: deps.secrets,
      now: deps.now(),
      endpoints: deps.endpoints,
      calls: deps.calls,
    });
    const usage = outcome.usage;
    const cost = usage && { tokens: usage.inputTokens + usage.outputTokens, usd: usage.usd };
    if (usage && cost && cost.tokens > 0) deps.onUsage?.(usage, namespace);
    if ('plan' in outcome)
      return {
        diagnosis,
        plan: outcome.plan,
        playbook: 'model',
        target: targetStateOf(evidence),
        fromModel: true,
        cost,
      };
    if ('waitMs' in outcome && outcome.unavailable && policy.spec.llmFallback === 'rules')
      return { ...(await deps.rules(rem, ctx)), cost };
    if ('waitMs' in outcome)
      return { diagnosis, waitMs: outcome.waitMs, why: outcome.unavailable?.message ?? outcome.why, cost };
    // the model could not plan this (no provider, a budget, an answer that failed its checks): a person takes over
    return { diagnosis, escalate: `the model planner could not heal this: ${outcome.stall.message}`, cost };
  };
}
