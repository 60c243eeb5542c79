// The steps a heal plan is made of: pure. As in the Goal rule planner, every
// mutating step is followed by a wait for the rollout it starts, so that a
// heal is done only when the new pods are available, and fails (and escalates)
// when they are not.
import type { ExecutionPlan, ExecutionStep } from '../../api/v1alpha1/plan.js';
import { planRisk } from '../../policy/risk.js';
import type { WorkloadEvidence } from './evidence.js';

/** A heal's wait, without a progress deadline to go by. */
export const HEAL_WAIT_SECONDS = 300;
/** The longest a heal waits for one rollout. */
export const HEAL_WAIT_MAX_SECONDS = 3600;

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A wait as long as the Deployment's own progress deadline (it fails sooner, when the deadline passes). */
export const waitSeconds = (w: WorkloadEvidence) =>
  Math.min(HEAL_WAIT_MAX_SECONDS, Math.max(HEAL_WAIT_SECONDS, w.progressDeadlineSeconds ?? 0));

export const step = (s: Omit<ExecutionStep, 'when'> & { when?: ExecutionStep['when'] }): ExecutionStep => ({
  ...s,
  when: s.when ?? 'always',
  description: cut(s.description, 1024),
  ...(s.reasoning !== undefined && { reasoning: cut(s.reasoning, 2048) }),
});

export const waitStep = (
  target: string,
  timeoutSeconds: number,
  why: string,
  when: ExecutionStep['when'] = 'always',
): ExecutionStep =>
  step({
    tool: 'k8s.wait-for-condition',
    params: { target, condition: 'RolledOut', timeoutSeconds },
    description: `wait until ${target} has rolled out`,
    reasoning: why,
    risk: 'none',
    when,
  });

export const healPlanOf = (steps: ExecutionStep[], reasoning: string): ExecutionPlan => ({
  steps,
  risk: planRisk(steps),
  reasoning: cut(reasoning, 4096),
});
