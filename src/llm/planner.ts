// Asks a model for a plan and accepts only what parses: the ExecutionPlan
// schema, text an approver can be shown (sanitised, within the Approval's
// bounds), then the caller's checks (known tools, valid params, length). A
// rejected answer is sent back with the reason, at most twice; then the
// planning fails with every answer kept for the action log. Nothing is
// repaired by guesswork. A plan with no step is not a plan: it is reported
// as such at once (EmptyPlanError), for the caller to judge.
import { z } from 'zod';
import { BosunError, type ErrorCode } from '../api/errors.js';
import { ExecutionPlan } from '../api/v1alpha1/plan.js';
import { whyNotApprovable } from './approvable.js';
import type { Fence } from './fence.js';
import type { ChatMessage, ModelClient, Usage } from './model.js';
import { buildPrompt, type Evidence, type ToolSpec } from './prompt.js';
import { sanitizePlan } from './sanitize.js';

export const SUBMIT_PLAN = 'submit_plan';
export const MAX_REPAIRS = 2;

export class InvalidPlanError extends BosunError {
  constructor(
    message: string,
    /** every answer the model gave, for the action log */
    readonly answers: unknown[],
    readonly usage: Usage,
    code: ErrorCode = 'BOSUN_ERR_PLANNING',
  ) {
    super(code, message);
    this.name = 'InvalidPlanError';
  }
}

/**
 * The model answered with a valid plan of no step. Not repaired (asking again costs tokens for the same
 * answer when the goal is met): code BOSUN_ERR_EMPTY_PLAN, with the model's reasoning, sanitised. A caller
 * that only knows InvalidPlanError stalls the Goal with it, which is the safe reading.
 */
export class EmptyPlanError extends InvalidPlanError {
  constructor(
    /** why the model thinks nothing is to be done, sanitised */
    readonly reasoning: string,
    answers: unknown[],
    usage: Usage,
  ) {
    super(`the model proposed no step${reasoning ? `: ${reasoning}` : ''}`, answers, usage, 'BOSUN_ERR_EMPTY_PLAN');
    this.name = 'EmptyPlanError';
  }
}

/**
 * What the caller says of a parsed, sanitised plan: undefined when it is acceptable as it is, a string
 * saying why not, or the plan to keep instead (the same plan with each step's params as its tool parsed
 * them: the registry's normalize), which is then what proposePlan returns.
 */
export type PlanCheck = string | undefined | { plan: ExecutionPlan };

export interface PlanRequest {
  client: ModelClient;
  model: string;
  goal: string;
  namespace: string;
  evidence: Evidence[];
  tools: ToolSpec[];
  maxSteps: number;
  maxTokens?: number;
  /** the caller's checks on a parsed plan */
  check(plan: ExecutionPlan): PlanCheck;
  /** test seam: the fence around cluster text (default: a fresh random one) */
  fence?: Fence;
}

export interface PlanResult {
  /** sanitised (sanitize.ts), and as the caller's check returned it */
  plan: ExecutionPlan;
  usage: Usage;
  /** 0: the first answer was accepted */
  repairs: number;
}

const planSchema = z.toJSONSchema(ExecutionPlan, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;

type Verdict = { plan: ExecutionPlan } | { why: string } | { empty: string };

function judge(input: unknown, req: PlanRequest): Verdict {
  const parsed = ExecutionPlan.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { why: `the plan does not match the schema: ${issue?.path.join('.') || '(plan)'}: ${issue?.message}` };
  }
  // everything after this sees the text as people will: a check never passes text that is then changed
  const plan = sanitizePlan(parsed.data);
  if (!plan.steps.length) return { empty: plan.reasoning };
  if (plan.steps.length > req.maxSteps)
    return { why: `the plan has ${plan.steps.length} steps; at most ${req.maxSteps} are allowed` };
  const blank = plan.steps.findIndex((s) => !s.description);
  if (blank >= 0) return { why: `step ${blank + 1}'s description has no readable text` };
  const unshowable = whyNotApprovable(plan, req.namespace);
  if (unshowable) return { why: unshowable };
  const checked = req.check(plan);
  if (typeof checked === 'string') return { why: checked };
  return { plan: checked?.plan ?? plan };
}

export async function proposePlan(req: PlanRequest): Promise<PlanResult> {
  const prompt = buildPrompt(req, req.fence);
  const messages: ChatMessage[] = [{ role: 'user', content: prompt.user }];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const answers: unknown[] = [];
  for (let round = 0; round <= MAX_REPAIRS; round++) {
    const answer = await req.client.propose({
      model: req.model,
      system: prompt.system,
      messages,
      tool: { name: SUBMIT_PLAN, description: 'Submit the plan', schema: planSchema },
      maxTokens: req.maxTokens ?? 4096,
    });
    usage.inputTokens += answer.usage.inputTokens;
    usage.outputTokens += answer.usage.outputTokens;
    answers.push(answer.input ?? answer.text ?? null);
    const verdict: Verdict =
      answer.input === undefined ? { why: `no ${SUBMIT_PLAN} call in the answer` } : judge(answer.input, req);
    if ('plan' in verdict) return { plan: verdict.plan, usage, repairs: round };
    if ('empty' in verdict) throw new EmptyPlanError(verdict.empty, answers, usage);
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
