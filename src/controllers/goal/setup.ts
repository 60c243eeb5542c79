// Wiring for the Goal controller: the plan engine's controller (informer →
// keyed queue → reconciler) with the Goal's own planners: the Goal agent's
// rules, and the model agent main.ts made, briefed for Goals.
import { GoalAgent } from '../../agents/goal/agent.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { ModelAgent } from '../../engine/model/agent.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { LlmOutcome } from '../../engine/model/plan.js';
import { ModelCalls } from '../../engine/model/calls.js';
import { goalKind } from './kind.js';
import { goalModelBrief } from './plan-goal.js';
import { goalReconciler } from './reconciler.js';

export const GOAL_CONTROLLER = 'goal';

export interface GoalControllerOptions extends PlanControllerOptions {
  /** every Secret value the controller reads is added here first, so that no log line shows it */
  secrets: SecretSink;
  /** the model planner (main.ts) */
  model: ModelAgent;
}

export function setupGoalController(opts: GoalControllerOptions) {
  return setupPlanController(opts, GOAL_CONTROLLER, goalKind, (deps, enqueue) => {
    const agent = new GoalAgent();
    return goalReconciler({
      ...deps,
      secrets: opts.secrets,
      agent,
      // a model call holds no worker: its Goal is enqueued when it is done
      model: opts.model.for(goalModelBrief(deps, agent.tools()), new ModelCalls<LlmOutcome>(enqueue)),
    });
  });
}
