import { describe, expect, it } from 'vitest';
import type { PlanCall, Usage } from '../../llm/model.js';
import { MIN_OUTPUT_TOKENS, meteredClient, ProviderCallError } from './meter.js';

const call: PlanCall = {
  model: 'm',
  system: 's'.repeat(400), // about 100 tokens
  messages: [{ role: 'user', content: 'u'.repeat(400) }],
  tool: { name: 'submit_plan', description: '', schema: {} },
  maxTokens: 4096,
};

describe('meteredClient', () => {
  it('counts each round as it returns, caps the answer by what is left, and calls a repair round one', async () => {
    const counted: Usage[] = [];
    const sent: number[] = [];
    let repairs = 0;
    const { client, paid } = meteredClient({
      base: {
        provider: 'ollama',
        propose: async (c) => (sent.push(c.maxTokens), { input: {}, usage: { inputTokens: 300, outputTokens: 100 } }),
      },
      tokensLeft: 800,
      price: () => 0,
      onRepairRound: () => void repairs++,
      count: async (u) => void counted.push(u),
    });
    await client.propose(call);
    expect(sent).toEqual([800 - 200]); // the prompt's estimate comes off
    // 400 left, 200 of them prompt: under 256
    await expect(client.propose(call)).rejects.toMatchObject({ code: 'BOSUN_ERR_LLM_BUDGET' });
    expect(repairs).toBe(1);
    expect(counted).toEqual([{ inputTokens: 300, outputTokens: 100 }]);
    expect(paid).toEqual({ inputTokens: 300, outputTokens: 100 });
    expect(MIN_OUTPUT_TOKENS).toBe(256);
  });

  it('counts a provider that reports nothing by the estimate, and says a failure without its body', async () => {
    const counted: Usage[] = [];
    const answers = [{ input: { steps: [] }, usage: { inputTokens: 0, outputTokens: 0 } }];
    const { client } = meteredClient({
      base: {
        provider: 'ollama',
        propose: async () => {
          const a = answers.shift();
          if (!a) throw Object.assign(new Error('<html>secret admin page</html>'), { status: 502 });
          return a;
        },
      },
      tokensLeft: 100_000,
      price: () => 0,
      onRepairRound: () => {},
      count: async (u) => void counted.push(u),
    });
    await client.propose(call);
    expect(counted[0]?.inputTokens).toBe(200);
    expect(counted[0]?.outputTokens).toBeGreaterThan(0);
    const failed = await client.propose(call).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ProviderCallError);
    expect((failed as Error).message).toBe('HTTP 502 (the provider had an error)');
  });
});
