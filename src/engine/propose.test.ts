import { describe, expect, it } from 'vitest';
import type { Agent, PlanInput, Proposal } from '../agents/agent.js';
import { builtInPolicy } from '../policy/decision.js';
import { ToolRegistry } from '../tools/registry.js';
import { propose } from './propose.js';

const plan = (reasoning: string) => ({ steps: [], risk: 'none' as const, reasoning });
const usage = { inputTokens: 100, outputTokens: 20, provider: 'anthropic', model: 'm', usd: 0.01 };

/** An agent that answers `proposal` and counts its calls. */
const agent = (name: string, proposal: Proposal) => {
  const a = { calls: 0, name, tools: () => [], plan: async () => (a.calls++, proposal) };
  return a satisfies Agent<string, null> & { calls: number };
};

const input: PlanInput<string, null> = {
  subject: 'a subject',
  facts: null,
  policy: builtInPolicy,
  registry: new ToolRegistry([]),
  gate: { allowChanges: true, denylist: [] },
  now: new Date('2026-03-01T12:00:00Z'),
};

const down = { waitMs: 30_000, why: 'backed off', unavailable: { reason: 'ModelUnavailable', message: 'down' }, usage };

describe('propose asks the subject’s agent through the one contract', () => {
  it.each([
    {
      why: 'the rules, when the subject chose them; the model is not asked',
      model: false,
      fallBack: true,
      answer: { plan: plan('from the model') },
      want: { reasoning: 'from the rules', fromModel: false, fellBack: false, modelCalls: 0 },
    },
    {
      why: 'the model, when the subject chose it',
      model: true,
      fallBack: true,
      answer: { plan: plan('from the model'), usage },
      want: { reasoning: 'from the model', fromModel: true, fellBack: false, modelCalls: 1 },
    },
    {
      why: 'the rules when the model is down and the kind allows it; the paid rounds still count',
      model: true,
      fallBack: true,
      answer: down,
      want: { reasoning: 'from the rules', fromModel: false, fellBack: true, modelCalls: 1, usage },
    },
  ])('$why', async ({ model, fallBack, answer, want }) => {
    const rules = agent('rules', { plan: plan('from the rules'), playbook: 'scale' });
    const llm = agent('model', answer);
    const got = await propose({ rules, model: llm }, input, { model, fallBack });
    expect('plan' in got.proposal && got.proposal.plan.reasoning).toBe(want.reasoning);
    expect({ fromModel: got.fromModel, fellBack: got.fellBack, modelCalls: llm.calls }).toEqual({
      fromModel: want.fromModel,
      fellBack: want.fellBack,
      modelCalls: want.modelCalls,
    });
    if (want.usage) expect(got.usage).toEqual(want.usage);
  });

  it('waits, without the rules, when the model is down and the kind does not allow them', async () => {
    const rules = agent('rules', { plan: plan('from the rules') });
    const got = await propose({ rules, model: agent('model', down) }, input, { model: true, fallBack: false });
    expect(got.proposal).toMatchObject({ waitMs: 30_000, unavailable: { reason: 'ModelUnavailable' } });
    expect(rules.calls).toBe(0);
  });

  it('does not fall back on a model that is only busy (no room in its rate limit)', async () => {
    const rules = agent('rules', { plan: plan('from the rules') });
    const busy = agent('model', { waitMs: 2_000, why: 'tokens per minute' });
    const got = await propose({ rules, model: busy }, input, { model: true, fallBack: true });
    expect(got.proposal).toMatchObject({ waitMs: 2_000 });
    expect(rules.calls).toBe(0);
  });

  it('stalls with a reason when the operator runs without a model planner', async () => {
    const got = await propose({ rules: agent('rules', { plan: plan('x') }) }, input, { model: true, fallBack: true });
    expect(got.proposal).toMatchObject({ stall: { reason: 'NoModelProvider' } });
  });
});
