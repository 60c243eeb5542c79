// The Goal agent: plans typed intents with the rule planner, converging actual
// state to desired. Free text is the model planner's (src/engine/model/agent.ts),
// when spec.planner is llm.
import type { Goal } from '../../api/v1alpha1/goal.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import type { AnyTool } from '../../tools/tool.js';
import { PlanningError, type Agent, type PlanInput, type Proposal } from '../agent.js';
import type { GoalActual } from './actual.js';
import { planGoal } from './rule-planner.js';

export class GoalAgent implements Agent<Goal, GoalActual> {
  readonly name = 'goal';

  async plan({ subject, facts }: PlanInput<Goal, GoalActual>): Promise<Proposal> {
    try {
      return { plan: planGoal(subject.spec, facts), playbook: subject.spec.intent?.type };
    } catch (err) {
      if (err instanceof PlanningError)
        return { stall: { reason: err.reason, message: err.message.replace(/^BOSUN_ERR_\w+: /, '') } };
      throw err;
    }
  }

  tools(): AnyTool[] {
    return kubernetesTools();
  }
}
