// Wiring for the PipelineRun controller (the plan engine's controller with the
// Plan agent and its pipeline.stage tool, on the backends where stages run) and
// the Pipeline controller beside it, which counts the runs from the same cache.
import { PipelineAgent } from '../../agents/pipeline/agent.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { RunOn } from '../../api/v1alpha1/pipeline.js';
import { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import type { StageBackends } from '../../tools/pipeline/stage.js';
import { deployBackend } from './deploy-backend.js';
import { setupPipelineController } from '../pipeline/setup.js';
import { pipelineRunKind } from './kind.js';
import { pipelineRunReconciler } from './reconciler.js';

export const PIPELINERUN_CONTROLLER = 'pipelinerun';

export interface PipelineRunControllerOptions extends PlanControllerOptions {
  /** where stage commands run: a hardened Job per attempt, or a sandboxed command on a runner */
  backends: Pick<StageBackends, RunOn>;
}

export function setupPipelineRunController(opts: PipelineRunControllerOptions) {
  const set = setupPlanController(opts, PIPELINERUN_CONTROLLER, pipelineRunKind, (deps, _enqueue, informer) => {
    const getRun = (namespace: string, name: string) => {
      const parsed = PipelineRun.safeParse(informer.get(namespace, name));
      return parsed.success ? parsed.data : undefined;
    };
    // deploy stages without a command are Goals Bosun makes on the run's requester
    const deploy = deployBackend({ client: opts.client.as(PIPELINERUN_CONTROLLER), getRun });
    const agent = new PipelineAgent({ ...opts.backends, deploy });
    return pipelineRunReconciler({ ...deps, agent, runs: informer });
  });
  const pipelines = setupPipelineController({ ...opts, runs: set.informer });
  return { ...set, pipelines };
}
