// What the model is asked for a Goal: its free text (or its typed intent), and
// the parts of its spec that decide the plan.
import type { Goal } from '../../api/v1alpha1/goal.js';
import type { ModelAsk } from '../../llm/ask.js';

export function goalAsk(goal: Goal): ModelAsk {
  const { goal: text, intent, targetNamespace, allowChanges, tools, modelTier, budget } = goal.spec;
  return {
    kind: 'Goal',
    text: text ?? JSON.stringify(intent),
    decides: { goal: text, intent, targetNamespace, allowChanges, tools, modelTier, budget },
    typed: Boolean(intent),
    instead: 'use a typed spec.intent',
    rephrase: 'rephrase spec.goal',
  };
}
