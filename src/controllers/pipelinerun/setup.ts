// Wiring for the PipelineRun controller (the plan engine's controller with the
// Plan agent and its pipeline.stage tool, on the backends where stages run) and
// the Pipeline controller beside it, which counts the runs from the same cache.
import { PipelineAgent } from '../../agents/pipeline/agent.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { RunOn } from '../../api/v1alpha1/pipeline.js';
import { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import type { StageBackends } from '../../tools/pipeline/stage.js';
import { deployBackend } from './deploy-backend.js';
import { reportBackend } from './report-backend.js';
import { Pipeline } from '../../api/v1alpha1/pipeline.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { secretReader } from '../../kube/secrets.js';
import type { Informer } from '../../runtime/informer.js';
import type { SecretSink } from '../../telemetry/logger.js';
import { setupPipelineController } from '../pipeline/setup.js';
import { pipelineRunKind } from './kind.js';
import { pipelineRunReconciler } from './reconciler.js';
import { stageMetrics } from './stage-metrics.js';

export const PIPELINERUN_CONTROLLER = 'pipelinerun';

export interface PipelineRunControllerOptions extends PlanControllerOptions {
  /** where stage commands run: a hardened Job per attempt, or a sandboxed command on a runner */
  backends: Pick<StageBackends, RunOn>;
  /** every Secret value a report reads is added here before it is used */
  secrets: SecretSink;
}

export function setupPipelineRunController(opts: PipelineRunControllerOptions) {
  // the Pipeline controller's cache, made after this controller's (it counts from this one's runs)
  const caches: { pipelines?: Informer<KubeObject> } = {};
  const set = setupPlanController(opts, PIPELINERUN_CONTROLLER, pipelineRunKind, (deps, _enqueue, informer) => {
    const getRun = (namespace: string, name: string) => {
      const parsed = PipelineRun.safeParse(informer.get(namespace, name));
      return parsed.success ? parsed.data : undefined;
    };
    const getPipeline = (namespace: string, name: string) => {
      const parsed = Pipeline.safeParse(caches.pipelines?.get(namespace, name));
      return parsed.success ? parsed.data : undefined;
    };
    const client = opts.client.as(PIPELINERUN_CONTROLLER);
    // deploy and report stages without a command are the operator's: a Goal on the run's requester; the report
    const deploy = deployBackend({ client, getRun });
    const report = reportBackend({
      getRun,
      getPipeline,
      readSecret: secretReader(client),
      secrets: opts.secrets,
      now: () => new Date(),
      operatorNamespace: opts.operatorNamespace,
    });
    const agent = new PipelineAgent({ ...opts.backends, deploy, report });
    return pipelineRunReconciler({ ...deps, agent, runs: informer, stageMetrics: stageMetrics(opts.metrics) });
  });
  const pipelines = setupPipelineController({ ...opts, runs: set.informer });
  caches.pipelines = pipelines.informer;
  return { ...set, pipelines };
}
