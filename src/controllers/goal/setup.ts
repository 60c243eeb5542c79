// Wiring for the Goal controller: the plan engine's controller (informer →
// keyed queue → reconciler) with the Goal's own planners and model metering.
import { GoalAgent } from '../../agents/goal/agent.js';
import { countUsage } from '../../engine/model/usage.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { LlmOutcome } from '../../engine/model/plan.js';
import { ModelCalls } from '../../engine/model/calls.js';
import { goalKind } from './kind.js';
import { goalReconciler } from './reconciler.js';

export const GOAL_CONTROLLER = 'goal';

export interface GoalControllerOptions extends PlanControllerOptions {
  /** every Secret value the controller reads is added here first, so that no log line shows it */
  secrets: SecretSink;
  /** where a ModelProvider's baseURL may point */
  modelEndpoints: readonly string[];
}

export function setupGoalController(opts: GoalControllerOptions) {
  const { metrics } = opts;
  return setupPlanController(opts, GOAL_CONTROLLER, goalKind, (deps, enqueue) =>
    goalReconciler({
      ...deps,
      secrets: opts.secrets,
      agent: new GoalAgent(),
      onLlmUsage: countUsage(metrics),
      modelEndpoints: opts.modelEndpoints,
      // a model call holds no worker: its Goal is enqueued when it is done
      modelCalls: new ModelCalls<LlmOutcome>(enqueue),
    }),
  );
}
