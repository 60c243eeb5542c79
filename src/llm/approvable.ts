// Whether a plan can be shown to an approver at all: the Approval Bosun would
// create for it must fit the Approval's bounds. A plan that does not is
// refused while the model can still shorten it, not accepted and then
// failing when the Approval is created.
import {
  APPROVAL_RUNBOOK_MAX,
  APPROVAL_STEPS_MAX,
  APPROVAL_SUMMARY_MAX,
  runbookText,
  UNDO_ROOM,
  type ExecutionPlan,
} from '../api/v1alpha1/plan.js';

/** The longest Goal name: the runbook names the Goal, and the planner does not know which. */
const LONGEST_NAME = 'x'.repeat(253);

/** Why the Approval for this plan (in `namespace`) would not fit its bounds, or undefined when it fits. */
export function whyNotApprovable(plan: ExecutionPlan, namespace: string): string | undefined {
  if (plan.steps.length > APPROVAL_STEPS_MAX)
    return `the plan has ${plan.steps.length} steps; an approver can be shown at most ${APPROVAL_STEPS_MAX}`;
  const long = plan.steps.findIndex((s) => s.description.length > APPROVAL_SUMMARY_MAX);
  if (long >= 0) return `step ${long + 1}'s description is longer than ${APPROVAL_SUMMARY_MAX} characters: shorten it`;
  // the tools write each step's undo once the plan is accepted: room is kept for it
  const runbook = runbookText(namespace, LONGEST_NAME, plan.steps).length + UNDO_ROOM * plan.steps.length;
  if (runbook > APPROVAL_RUNBOOK_MAX)
    return (
      `the plan's runbook (every description, and room for each step's undo) is ${runbook} characters; ` +
      `at most ${APPROVAL_RUNBOOK_MAX} fit the Approval: shorten the descriptions or use fewer steps`
    );
  return undefined;
}

export const fitsApproval = (plan: ExecutionPlan, namespace: string): boolean =>
  whyNotApprovable(plan, namespace) === undefined;
