// LLM planner overhead, excluding model time: the whole proposePlan path
// (prompt, tool schema, SDK request and response, parse, checks) against a
// local server that answers at once, so what is measured is Bosun's and the
// SDK's own work. Also the prompt's size, an estimate of tokens per plan.
import { anthropicClient } from '../../src/llm/anthropic.js';
import { proposePlan } from '../../src/llm/planner.js';
import { startFakeProvider } from '../support/fake-llm.js';
import { percentile } from './lib/stats.js';

const plan = {
  steps: [
    {
      tool: 'k8s.scale',
      params: { target: 'deployment/web', replicas: 4 },
      description: 'scale web to 4 replicas',
      risk: 'low',
    },
  ],
  risk: 'low',
  reasoning: 'more capacity',
};

export async function benchLlmPlanner(
  iterations = 300,
): Promise<{ p50Ms: number; p99Ms: number; promptTokensEstimate: number }> {
  const fake = await startFakeProvider(
    'anthropic',
    Array.from({ length: iterations + 20 }, () => ({ plan })),
  );
  try {
    const client = anthropicClient({
      baseURL: fake.baseURL,
      apiKey: 'sk-ant-bench-0000000000',
      timeoutMs: 5000,
      maxRetries: 0,
    });
    const evidence = [
      {
        source: 'k8s.events (namespace)',
        text: 'Warning BackOff pod/web-1: back-off restarting failed container\n'.repeat(20),
      },
    ];
    const tools = [
      {
        name: 'k8s.scale',
        description: 'Set the replica count',
        params: { type: 'object', properties: { target: { type: 'string' }, replicas: { type: 'integer' } } },
      },
    ];
    const run = () =>
      proposePlan({
        client,
        model: 'bench',
        goal: 'web is slow: add capacity if safe',
        namespace: 'shop',
        evidence,
        tools,
        maxSteps: 10,
        check: () => undefined,
      });
    for (let i = 0; i < 20; i++) await run(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    const body = JSON.stringify(fake.requests.at(-1));
    return {
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      promptTokensEstimate: Math.round(body.length / 4),
    };
  } finally {
    await fake.close();
  }
}
