// OpenAI Chat Completions with a function tool, through the openai SDK.
import OpenAI from 'openai';
import type { ClientOptions, ModelClient, PlanAnswer, PlanCall } from './model.js';

export function openaiClient(opts: ClientOptions): ModelClient {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? 'unused',
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs,
    maxRetries: opts.maxRetries,
  });
  return {
    provider: 'openai',
    async propose(call: PlanCall): Promise<PlanAnswer> {
      const res = await client.chat.completions.create({
        model: call.model,
        max_completion_tokens: call.maxTokens,
        messages: [{ role: 'system', content: call.system }, ...call.messages],
        tools: [
          {
            type: 'function',
            function: { name: call.tool.name, description: call.tool.description, parameters: call.tool.schema },
          },
        ],
        tool_choice: { type: 'function', function: { name: call.tool.name } },
      });
      const message = res.choices[0]?.message;
      const fn = message?.tool_calls?.find((t) => t.type === 'function' && t.function.name === call.tool.name);
      let input: unknown;
      if (fn && fn.type === 'function') {
        try {
          input = JSON.parse(fn.function.arguments);
        } catch {
          input = fn.function.arguments; // not JSON: the plan parser rejects it and says so
        }
      }
      return {
        input,
        text: message?.content ?? undefined,
        usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
      };
    },
  };
}
