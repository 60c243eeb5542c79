// Ollama /api/chat with tools, through the ollama SDK. The SDK has neither a
// timeout nor retries: both are here.
import { Ollama } from 'ollama';
import type { ClientOptions, ModelClient, PlanAnswer, PlanCall } from './model.js';

const retryable = (err: unknown) => {
  const status = (err as { status_code?: number }).status_code;
  return status === 429 || (status !== undefined && status >= 500);
};

export function ollamaClient(opts: ClientOptions): ModelClient {
  const host = opts.baseURL ?? 'http://127.0.0.1:11434';
  return {
    provider: 'ollama',
    async propose(call: PlanCall): Promise<PlanAnswer> {
      for (let attempt = 0; ; attempt++) {
        // the SDK has no timeout: its requests carry our abort signal
        const timeout = new AbortController();
        const client = new Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal: timeout.signal }) });
        const timer = setTimeout(
          () => timeout.abort(new Error(`ollama did not answer within ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
        try {
          const res = await client.chat({
            model: call.model,
            stream: false,
            messages: [{ role: 'system', content: call.system }, ...call.messages],
            tools: [
              {
                type: 'function',
                function: {
                  name: call.tool.name,
                  description: call.tool.description,
                  parameters: call.tool.schema as never,
                },
              },
            ],
          });
          const fn = res.message.tool_calls?.find((t) => t.function.name === call.tool.name);
          return {
            input: fn?.function.arguments,
            text: res.message.content || undefined,
            usage: { inputTokens: res.prompt_eval_count ?? 0, outputTokens: res.eval_count ?? 0 },
          };
        } catch (err) {
          if (attempt >= opts.maxRetries || !retryable(err)) throw err;
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        } finally {
          clearTimeout(timer);
        }
      }
    },
  };
}
