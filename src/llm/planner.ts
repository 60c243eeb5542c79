// Asks a model for a plan and accepts only what parses: the ExecutionPlan
// schema, then the caller's checks (known tools, valid params, length). A
// rejected answer is sent back with the reason, at most twice; then the
// planning fails with every answer kept for the action log. Nothing is
// repaired by guesswork.
import { z } from 'zod';
import { BosunError } from '../api/errors.js';
import { ExecutionPlan } from '../api/v1alpha1/plan.js';
import type { ChatMessage, ModelClient, Usage } from './model.js';
import { systemPrompt, userPrompt, type Evidence, type ToolSpec } from './prompt.js';

export const SUBMIT_PLAN = 'submit_plan';
export const MAX_REPAIRS = 2;

export class InvalidPlanError extends BosunError {
  constructor(
    message: string,
    /** every answer the model gave, for the action log */
    readonly answers: unknown[],
    readonly usage: Usage,
  ) {
    super('BOSUN_ERR_PLANNING', message);
    this.name = 'InvalidPlanError';
  }
}

export interface PlanRequest {
  client: ModelClient;
  model: string;
  goal: string;
  namespace: string;
  evidence: Evidence[];
  tools: ToolSpec[];
  maxSteps: number;
  maxTokens?: number;
  /** the caller's checks on a parsed plan: undefined when it is acceptable, else why not */
  check(plan: ExecutionPlan): string | undefined;
}

export interface PlanResult {
  plan: ExecutionPlan;
  usage: Usage;
  /** 0: the first answer was accepted */
  repairs: number;
}

const planSchema = z.toJSONSchema(ExecutionPlan, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;

function reject(
  input: unknown,
  maxSteps: number,
  check: PlanRequest['check'],
): { plan: ExecutionPlan } | { why: string } {
  const parsed = ExecutionPlan.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { why: `the plan does not match the schema: ${issue?.path.join('.') || '(plan)'}: ${issue?.message}` };
  }
  if (parsed.data.steps.length > maxSteps)
    return { why: `the plan has ${parsed.data.steps.length} steps; at most ${maxSteps} are allowed` };
  const why = check(parsed.data);
  return why ? { why } : { plan: parsed.data };
}

export async function proposePlan(req: PlanRequest): Promise<PlanResult> {
  const messages: ChatMessage[] = [{ role: 'user', content: userPrompt(req.goal, req.namespace, req.evidence) }];
  const system = systemPrompt(req.tools, req.maxSteps);
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const answers: unknown[] = [];
  for (let round = 0; round <= MAX_REPAIRS; round++) {
    const answer = await req.client.propose({
      model: req.model,
      system,
      messages,
      tool: { name: SUBMIT_PLAN, description: 'Submit the plan', schema: planSchema },
      maxTokens: req.maxTokens ?? 4096,
    });
    usage.inputTokens += answer.usage.inputTokens;
    usage.outputTokens += answer.usage.outputTokens;
    answers.push(answer.input ?? answer.text ?? null);
    const verdict =
      answer.input === undefined
        ? { why: `no ${SUBMIT_PLAN} call in the answer` }
        : reject(answer.input, req.maxSteps, req.check);
    if ('plan' in verdict) return { plan: verdict.plan, usage, repairs: round };
    messages.push(
      { role: 'assistant', content: JSON.stringify(answer.input ?? answer.text ?? '') },
      {
        role: 'user',
        content: `That plan was rejected: ${verdict.why}. Call ${SUBMIT_PLAN} again with a corrected plan.`,
      },
    );
    if (round === MAX_REPAIRS)
      throw new InvalidPlanError(
        `the model's plan was rejected ${round + 1} times; last: ${verdict.why}`,
        answers,
        usage,
      );
  }
  throw new InvalidPlanError('unreachable', answers, usage);
}
