// ExecutionPlan: what a planner (rules or a model) proposes. Parsed by this
// schema wherever it comes from; anything that does not fit is rejected.
import { z } from 'zod';
import { RiskLevel, StepWhen } from './common.js';

export const ExecutionStep = z.object({
  tool: z.string().min(1).max(63),
  params: z.record(z.string(), z.unknown()),
  description: z.string().min(1).max(1024),
  reasoning: z.string().max(2048).optional(),
  risk: RiskLevel,
  when: StepWhen.default('always'),
});
export type ExecutionStep = z.infer<typeof ExecutionStep>;

export const ExecutionPlan = z.object({
  steps: z.array(ExecutionStep).max(50),
  risk: RiskLevel,
  reasoning: z.string().max(4096),
});
export type ExecutionPlan = z.infer<typeof ExecutionPlan>;

// How a plan is shown to an approver. The Approval (approval.ts) holds each
// step's description as its summary and a runbook written from the steps;
// both are bounded there, so a planner can check a plan fits before it
// accepts it, with the same functions the Approval is built from.

/** ApprovalStep.summary's bound. */
export const APPROVAL_SUMMARY_MAX = 512;
/** ApprovalSpec.runbook's bound. */
export const APPROVAL_RUNBOOK_MAX = 8192;
/** ApprovalSpec.steps' bound (and ExecutionPlan's). */
export const APPROVAL_STEPS_MAX = 50;

/** A step's summary on the Approval. */
export const approvalSummary = (step: Pick<ExecutionStep, 'description'>): string =>
  step.description.slice(0, APPROVAL_SUMMARY_MAX);

type RunbookStep = Pick<ExecutionStep, 'when' | 'description' | 'risk'> & { undo?: { description: string } };

/** Room a step's undo (written by its tool at planning) is given in a runbook when a planner checks the fit. */
export const UNDO_ROOM = 128;

/** The runbook for the subject (a Goal, a Remediation) namespace/name that runs these steps, whole. */
export function runbookText(
  namespace: string | undefined,
  name: string,
  steps: readonly RunbookStep[],
  kind = 'Goal',
): string {
  const lines = steps.map(
    (s, i) =>
      `${i + 1}. ${s.when === 'on-failure' ? '(only if an earlier step fails) ' : ''}${s.description} [${s.risk}]`,
  );
  // each step's undo as its tool computed it: never read back out of anyone's prose
  const undo = steps.map((s) => s.undo?.description).filter(Boolean);
  return [
    `${kind} ${namespace}/${name} will run these steps in ${namespace}:`,
    ...lines,
    undo.length
      ? `To undo: ${undo.join('; ')}`
      : 'To undo: run a Goal that restores the previous state (for example a rollback).',
  ].join('\n');
}

/** The runbook of an Approval: the whole text, cut to the Approval's bound (planners check the fit first). */
export function planRunbook(
  namespace: string | undefined,
  name: string,
  steps: readonly RunbookStep[],
  kind = 'Goal',
): string {
  const text = runbookText(namespace, name, steps, kind);
  return text.length > APPROVAL_RUNBOOK_MAX ? `${text.slice(0, APPROVAL_RUNBOOK_MAX - 1)}…` : text;
}
