// ModelProvider: an LLM endpoint the planner may use.
import { z } from 'zod';
import { SecretKeyRef, Timestamp, cel, statusBase } from './common.js';

export const ProviderName = z.enum(['anthropic', 'openai', 'ollama']);

const Model = z.string().min(1).max(253);

export const ModelProviderSpec = z
  .object({
    provider: ProviderName,
    baseURL: z
      .url()
      .max(2048)
      .optional()
      .describe("Default: the provider's public endpoint (ollama: http://127.0.0.1:11434)"),
    secretRef: SecretKeyRef.optional().describe('The Secret key holding the API key'),
    models: z.object({ low: Model, medium: Model, high: Model }).describe('Model per task complexity tier'),
    rateLimits: z
      .object({
        requestsPerMinute: z.int().min(1).max(100000).default(60),
        tokensPerMinute: z.int().min(1).optional(),
      })
      .optional(),
    pricing: z
      .object({
        inputPerMillionTokensUSD: z.number().min(0),
        outputPerMillionTokensUSD: z.number().min(0),
      })
      .optional(),
    timeoutSeconds: z.int().min(1).max(600).default(60),
  })
  .meta(
    cel({
      rule: "self.provider == 'ollama' || has(self.secretRef)",
      message: 'anthropic and openai providers need spec.secretRef naming the Secret key that holds the API key',
      fieldPath: '.secretRef',
      reason: 'FieldValueRequired',
    }),
  );
export type ModelProviderSpec = z.infer<typeof ModelProviderSpec>;

export const ModelProviderStatus = z.object({
  ...statusBase,
  reachable: z.boolean().optional(),
  lastError: z.string().max(2048).optional(),
  lastCheckedAt: Timestamp.optional(),
});
export type ModelProviderStatus = z.infer<typeof ModelProviderStatus>;
