// What the model is asked to heal a Remediation (spec.planner: llm): the issue,
// its symptoms and what diagnosis found, with the same read-only evidence the
// diagnosis read (redacted by field and pattern before the prompt, like a
// free-text Goal's).
import type { HealFacts } from '../../agents/heal/agent.js';
import type { PlanInput } from '../../agents/agent.js';
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import type { ModelBrief } from '../../engine/model/agent.js';
import type { ModelAsk } from '../../llm/ask.js';
import type { AnyTool } from '../../tools/tool.js';

/** What the model is asked for a Remediation: the issue, its symptoms, and what diagnosis found. */
export function remediationAsk({ subject: rem, facts }: PlanInput<Remediation, HealFacts>): ModelAsk {
  const { issue, targetRef, symptoms } = rem.spec;
  const d = facts.diagnosis;
  const text = [
    `heal ${targetRef.kind} ${targetRef.name}: ${issue.summary}`,
    ...symptoms.map((s) => `symptom: ${s}`),
    d.symptom ? `diagnosis: ${d.symptom}: ${d.hypothesis}` : '',
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

export function remediationModelBrief(tools: readonly AnyTool[]): ModelBrief<Remediation, HealFacts> {
  return {
    ask: remediationAsk,
    evidence: async ({ facts }) => {
      const { diagnosis: d, evidence } = facts;
      return [
        { source: 'diagnosis', value: { evidence: d.findings, symptom: d.symptom, hypothesis: d.hypothesis } },
        { source: 'target', value: evidence.workload },
        { source: 'revisions', value: evidence.revisions },
        { source: 'pods', value: evidence.pods },
        { source: 'events', value: evidence.events },
      ];
    },
    tools,
  };
}
