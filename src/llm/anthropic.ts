// Anthropic Messages API with tool use, through @anthropic-ai/sdk.
import Anthropic from '@anthropic-ai/sdk';
import type { ClientOptions, ModelClient, PlanAnswer, PlanCall } from './model.js';

export function anthropicClient(opts: ClientOptions): ModelClient {
  const client = new Anthropic({
    apiKey: opts.apiKey ?? null,
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
  });
  return {
    provider: 'anthropic',
    async propose(call: PlanCall): Promise<PlanAnswer> {
      const res = await client.messages.create({
        model: call.model,
        max_tokens: call.maxTokens,
        system: call.system,
        messages: call.messages,
        tools: [
          {
            name: call.tool.name,
            description: call.tool.description,
            input_schema: call.tool.schema as Anthropic.Tool.InputSchema,
          },
        ],
        tool_choice: { type: 'tool', name: call.tool.name },
      });
      const use = res.content.find((b) => b.type === 'tool_use' && b.name === call.tool.name);
      const text = res.content
        .filter((b) => b.type === 'text')
        .map((b) => (b.type === 'text' ? b.text : ''))
        .join('\n');
      return {
        input: use && use.type === 'tool_use' ? use.input : undefined,
        text: text || undefined,
        usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
      };
    },
  };
}
