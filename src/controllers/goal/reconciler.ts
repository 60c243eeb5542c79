// The Goal reconciler: the plan engine's skeleton (src/engine/reconcile.ts) with
// what is the Goal's own: its validation, when it is planned again (a new
// generation, a policy change while waiting), its planner (plan-goal.ts), and
// the findings a diagnose intent's read steps leave on its status.
import { Goal, type GoalStatus } from '../../api/v1alpha1/goal.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import type { StepOutcome } from '../../executor/executor.js';
import { approvalHandler } from '../../engine/approvals.js';
import { stepRunner } from '../../engine/execute.js';
import { loadPolicy } from '../../engine/policy.js';
import { invalidObject, planReconciler } from '../../engine/reconcile.js';
import type { Reconcile } from '../../runtime/controller.js';
import type { AnyTool } from '../../tools/tool.js';
import type { GoalReconcilerDeps } from './deps.js';
import { goalKind } from './kind.js';
import { forgetPlans } from '../../engine/model/cache.js';
import { goalPlanner } from './plan-goal.js';
import { validateGoal } from './validate.js';

export type { GoalReconcilerDeps } from './deps.js';
export { goalResource } from './kind.js';

export function goalReconciler(deps: GoalReconcilerDeps): Reconcile {
  const { store } = deps;
  const tools: AnyTool[] = deps.agent.tools();
  const plan = goalPlanner(deps, tools);
  const execute = stepRunner(deps, goalKind, tools);
  const approvals = approvalHandler(deps);

  /** Stalls that only a new spec can clear: asking the model again would only spend tokens. */
  const stalledForGood = (status: GoalStatus) =>
    status.phase === 'Stalled' &&
    [GoalReason.InvalidPlan, GoalReason.EmptyPlan, GoalReason.BudgetExceeded, GoalReason.RequestRejected].some((r) =>
      status.conditions?.some((c) => c.type === 'Stalled' && c.reason === r),
    );

  /** A Goal waiting for approval is judged again when its RiskPolicy changes. */
  const policyChangedWhileWaiting = (goal: Goal) =>
    goal.status?.phase === 'AwaitingApproval' &&
    (loadPolicy(deps.policies, goal.metadata.namespace ?? '', goal.spec.riskPolicyRef, deps.operatorNamespace)
      ?.version ?? 'missing') !== goal.status.policyVersion;

  async function decide(goal: Goal, now: Date): Promise<{ next: GoalStatus; requeueAfter?: number }> {
    const prev: GoalStatus = goal.status ?? {};
    if (
      prev.observedGeneration !== goal.metadata.generation ||
      (!prev.plan && !stalledForGood(prev)) ||
      prev.phase === 'Pending' || // waiting for a ModelProvider: look again
      policyChangedWhileWaiting(goal)
    ) {
      // waiting for the provider's tokens per minute (the status is left as it is meanwhile), or for a provider
      const planned = await plan(goal, now);
      if ('waitMs' in planned) return { next: planned.status ?? prev, requeueAfter: planned.waitMs };
      return { next: planned };
    }
    if (prev.phase === 'Executing') {
      const { next, requeueAfter, ran } = await execute(goal, now);
      if (goal.spec.intent?.type !== 'diagnose' || ran?.outcome.kind !== 'succeeded') return { next, requeueAfter };
      const findings = [...(prev.findings ?? []), ...findingsFrom(ran.step.tool, ran.outcome)];
      return { next: { ...next, findings: findings.slice(0, 20) }, requeueAfter };
    }
    if (prev.phase === 'AwaitingApproval') return approvals.await(goal, goalKind, now);
    return { next: prev };
  }

  return planReconciler<GoalStatus, Goal>(deps, goalKind, tools, {
    parse(raw) {
      const parsed = Goal.safeParse(raw);
      if (parsed.success) return { subject: parsed.data };
      return { subject: { ...raw, spec: {} } as Goal, invalid: invalidObject('Goal', parsed.error.issues[0]) };
    },
    validate: (goal) => validateGoal(goal.spec, goal.metadata.namespace ?? ''),
    decide,
    execute,
    // the model's plans go with the Goal
    forget: async (goal) => {
      await forgetPlans(store, goal.metadata.namespace ?? '', goal.metadata.uid ?? '');
    },
  });
}

/** What a read-only diagnose step found, as lines for status.findings. */
function findingsFrom(tool: string, outcome: Extract<StepOutcome, { kind: 'succeeded' }>): string[] {
  const lines = [`${tool}: ${outcome.summary}`];
  const data = outcome.data ?? {};
  const events = Array.isArray(data.events)
    ? (data.events as string[]).filter((e) => e.startsWith('Warning')).slice(-3)
    : [];
  const logs = Array.isArray(data.lines) ? (data.lines as string[]).slice(-3).map((l) => `log: ${l}`) : [];
  return [...lines, ...events, ...logs].map((l) => l.slice(0, 1000));
}
