// The Goal agent: plans typed intents with the rule planner (free text goes to
// the model planner, src/engine/model/plan.ts, when spec.planner is llm).
import type { GoalSpec } from '../../api/v1alpha1/goal.js';
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import type { AnyTool } from '../../tools/tool.js';
import { PlanningError, type Agent, type AgentContext, type Issue } from '../agent.js';
import type { GoalActual } from './actual.js';
import { planGoal } from './rule-planner.js';

export class GoalAgent implements Agent<GoalSpec, GoalActual> {
  readonly name = 'goal';

  async plan(_ctx: AgentContext, desired: GoalSpec, actual: GoalActual): Promise<ExecutionPlan> {
    return planGoal(desired, actual);
  }

  reconcile(ctx: AgentContext, desired: GoalSpec, actual: GoalActual): Promise<ExecutionPlan> {
    return this.plan(ctx, desired, actual);
  }

  async heal(_ctx: AgentContext, issue: Issue): Promise<ExecutionPlan> {
    throw new PlanningError('NoPlanner', `the Goal agent does not heal (${issue.summary}); use a Remediation`);
  }

  tools(): AnyTool[] {
    return kubernetesTools();
  }
}
