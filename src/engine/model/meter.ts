// The model client as Bosun calls it: each round paid for is counted the
// moment it returns (a later failure loses none of it), a provider that reports
// no usage is counted by the estimate, each answer is capped by the tokens the
// budget has left, and a round the budget cannot pay for is not sent.
import { BosunError } from '../../api/errors.js';
import type { ModelClient, PlanAnswer, Usage } from '../../llm/model.js';
import { providerFailure } from '../../llm/provider-errors.js';
import { estimateTokens } from '../../llm/rate-limit.js';

/** The least output a call is worth making for: below it, the budget is spent. */
export const MIN_OUTPUT_TOKENS = 256;

/** A failure of the provider's call itself, not of Bosun's own reads and writes around it; said without the body. */
export class ProviderCallError extends Error {}

export interface MeterOptions {
  base: ModelClient;
  /** tokens the whole call (every round) may use */
  tokensLeft: number;
  price(u: Usage): number;
  /** every round after the first (the rate limiter counts it) */
  onRepairRound(): void;
  /** records a round's usage (the daily budget); called before the answer is used */
  count(used: Usage): Promise<void>;
}

export function meteredClient(opts: MeterOptions): { client: ModelClient; paid: Usage } {
  const paid: Usage = { inputTokens: 0, outputTokens: 0 };
  let rounds = 0;
  const client: ModelClient = {
    provider: opts.base.provider,
    propose: async (call) => {
      if (rounds++ > 0) opts.onRepairRound();
      const prompt = estimateTokens(call.system + call.messages.map((m) => m.content).join('\n'));
      const left = opts.tokensLeft - paid.inputTokens - paid.outputTokens;
      const room = left - prompt;
      if (room < MIN_OUTPUT_TOKENS)
        throw new BosunError(
          'BOSUN_ERR_LLM_BUDGET',
          `another round would need about ${prompt + MIN_OUTPUT_TOKENS} LLM tokens and the budget has ` +
            `${Math.max(0, left)} left`,
        );
      let answer: PlanAnswer;
      try {
        answer = await opts.base.propose({ ...call, maxTokens: Math.min(call.maxTokens, room) });
      } catch (err) {
        throw new ProviderCallError(providerFailure(err), { cause: err });
      }
      // a provider that reports no usage is counted by the estimate, never as free
      const used: Usage = {
        inputTokens: answer.usage.inputTokens || prompt,
        outputTokens: answer.usage.outputTokens || estimateTokens(JSON.stringify(answer.input ?? answer.text ?? '')),
      };
      paid.inputTokens += used.inputTokens;
      paid.outputTokens += used.outputTokens;
      await opts.count(used);
      return { ...answer, usage: used };
    },
  };
  return { client, paid };
}
