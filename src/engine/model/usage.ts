// What the model cost, as metrics: tokens by direction and dollars, per
// provider, model and namespace. Every planning kind counts the same way.
import type { Metrics } from '../../telemetry/metrics.js';
import type { LlmUsage } from './plan.js';

export const countUsage =
  (metrics: Pick<Metrics, 'llmTokens' | 'llmCost'>) =>
  (u: LlmUsage, namespace: string): void => {
    metrics.llmTokens.inc({ provider: u.provider, model: u.model, namespace, direction: 'input' }, u.inputTokens);
    metrics.llmTokens.inc({ provider: u.provider, model: u.model, namespace, direction: 'output' }, u.outputTokens);
    metrics.llmCost.inc({ provider: u.provider, model: u.model, namespace }, u.usd);
  };
