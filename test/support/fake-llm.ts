// Local HTTP servers that speak each provider's real wire format (Anthropic
// Messages with tool use, OpenAI Chat Completions with tools, Ollama /api/chat
// with tools), so the official SDKs can be driven without leaving loopback.
// Each answers from a script (then, once the script is empty, from `respond`)
// and keeps every request body it received.
import { createServer, type Server } from 'node:http';

export type Reply =
  | { plan: unknown }
  | { text: string } // an answer without the tool call
  | { status: number } // an HTTP error (429, 500, …)
  | { delayMs: number; then: Reply };

export type Provider = 'anthropic' | 'openai' | 'ollama';

export interface FakeProvider {
  provider: Provider;
  /** what the SDK is given as its base URL / host */
  baseURL: string;
  requests: unknown[];
  script: Reply[];
  /** answers a request when the script is empty: the same plan however often it is asked, say */
  respond?: (request: unknown) => Reply | undefined;
  close(): Promise<void>;
}

const usage = { input: 120, output: 80 };

function body(provider: Provider, reply: { plan: unknown } | { text: string }, model: string): unknown {
  const plan = 'plan' in reply ? reply.plan : undefined;
  const text = 'text' in reply ? reply.text : '';
  switch (provider) {
    case 'anthropic':
      return {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content:
          plan !== undefined
            ? [{ type: 'tool_use', id: 'toolu_fake', name: 'submit_plan', input: plan }]
            : [{ type: 'text', text }],
        stop_reason: plan !== undefined ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: usage.output },
      };
    case 'openai':
      return {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            finish_reason: plan !== undefined ? 'tool_calls' : 'stop',
            message:
              plan !== undefined
                ? {
                    role: 'assistant',
                    content: null,
                    tool_calls: [
                      {
                        id: 'call_fake',
                        type: 'function',
                        function: { name: 'submit_plan', arguments: JSON.stringify(plan) },
                      },
                    ],
                  }
                : { role: 'assistant', content: text },
          },
        ],
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
        },
      };
    case 'ollama':
      return {
        model,
        created_at: new Date().toISOString(),
        message:
          plan !== undefined
            ? { role: 'assistant', content: '', tool_calls: [{ function: { name: 'submit_plan', arguments: plan } }] }
            : { role: 'assistant', content: text },
        done: true,
        done_reason: 'stop',
        total_duration: 1,
        load_duration: 1,
        prompt_eval_count: usage.input,
        prompt_eval_duration: 1,
        eval_count: usage.output,
        eval_duration: 1,
      };
  }
}

const PATHS: Record<Provider, string> = {
  anthropic: '/v1/messages',
  openai: '/v1/chat/completions',
  ollama: '/api/chat',
};

export async function startFakeProvider(provider: Provider, script: Reply[] = []): Promise<FakeProvider> {
  const requests: unknown[] = [];
  const self: { fake?: FakeProvider } = {};
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== PATHS[provider]) {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(text) as { model?: string };
      requests.push(request);
      const answer = (reply: Reply | undefined): void => {
        if (!reply)
          return void res
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end('{"error":{"message":"the fake has no reply left"}}');
        if ('delayMs' in reply) return void setTimeout(() => answer(reply.then), reply.delayMs);
        if ('status' in reply) {
          res.writeHead(reply.status, {
            'Content-Type': 'application/json',
            'retry-after-ms': '10',
            'retry-after': '0',
          });
          return void res.end(
            JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: `fake ${reply.status}` } }),
          );
        }
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify(body(provider, reply, request.model ?? 'fake')));
      };
      answer(script.shift() ?? self.fake?.respond?.(request));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fake: FakeProvider = {
    provider,
    baseURL: provider === 'openai' ? `${origin}/v1` : origin,
    requests,
    script,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  self.fake = fake;
  return fake;
}
