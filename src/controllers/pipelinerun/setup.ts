// Wiring for the PipelineRun controller (the plan engine's controller with the
// Plan agent and its pipeline.stage tool, on the backends where stages run) and
// the Pipeline controller beside it, which counts the runs from the same cache.
import { PipelineAgent } from '../../agents/pipeline/agent.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { StageBackends } from '../../tools/pipeline/stage.js';
import { setupPipelineController } from '../pipeline/setup.js';
import { pipelineRunKind } from './kind.js';
import { pipelineRunReconciler } from './reconciler.js';

export const PIPELINERUN_CONTROLLER = 'pipelinerun';

export interface PipelineRunControllerOptions extends PlanControllerOptions {
  /** where stage attempts run: a hardened Job per attempt, or a sandboxed command on a runner */
  backends: StageBackends;
}

export function setupPipelineRunController(opts: PipelineRunControllerOptions) {
  const set = setupPlanController(opts, PIPELINERUN_CONTROLLER, pipelineRunKind, (deps, _enqueue, informer) =>
    pipelineRunReconciler({ ...deps, agent: new PipelineAgent(opts.backends), runs: informer }),
  );
  const pipelines = setupPipelineController({ ...opts, runs: set.informer });
  return { ...set, pipelines };
}
