// The Pipeline controller: each Pipeline's run counts and its halt, from the
// PipelineRuns the PipelineRun controller's informer holds. A run that finishes
// wakes its Pipeline; a halt or a resume is an Event.
import { errorMessage } from '../../api/errors.js';
import { API_VERSION } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { Pipeline } from '../../api/v1alpha1/pipeline.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import { KubeEventRecorder } from '../../kube/events.js';
import { deepEqual } from '../../kube/merge-patch.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { pipelineResource } from '../pipelinerun/kind.js';
import { countRuns } from './counts.js';

export const PIPELINE_CONTROLLER = 'pipeline';

export interface PipelineControllerOptions {
  manager: Manager;
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  instance: string;
  namespace?: string;
  resyncMs?: number;
  /** the PipelineRuns, as the PipelineRun controller's informer holds them */
  runs: Informer<KubeObject>;
  now?: () => Date;
}

export function setupPipelineController(opts: PipelineControllerOptions) {
  const log = opts.log.child({ controller: PIPELINE_CONTROLLER });
  const client = opts.manager.leaderClient(opts.client, 'bosun-pipeline-controller');
  const events = new KubeEventRecorder(client, 'bosun.dev/pipeline-controller', opts.instance, (err) =>
    log.warn({ err: errorMessage(err) }, 'could not record an Event'),
  );
  const informer = new Informer<KubeObject>({
    client,
    resource: pipelineResource,
    namespace: opts.namespace,
    log,
    observer: informerMetrics(opts.metrics, pipelineResource.plural),
    resyncMs: opts.resyncMs,
  });
  const controller = new Controller({
    name: PIPELINE_CONTROLLER,
    log,
    metrics: opts.metrics,
    reconcile: async (key) => {
      const raw = informer.getByKey(key);
      const parsed = raw && !raw.metadata.deletionTimestamp ? Pipeline.safeParse(raw) : undefined;
      if (!parsed?.success) return;
      const pipeline = parsed.data;
      const namespace = pipeline.metadata.namespace ?? '';
      const runs = opts.runs
        .byNamespace(namespace)
        .map((r) => PipelineRun.safeParse(r))
        .flatMap((r) => (r.success ? [r.data] : []));
      const counted = countRuns(pipeline, runs, (opts.now ?? (() => new Date()))());
      if (deepEqual(counted.status, pipeline.status ?? {})) return;
      await client.patchStatus(pipelineResource, pipeline, counted.status);
      const self = { ...pipeline, apiVersion: API_VERSION, kind: 'Pipeline' };
      if (counted.halted) await events.event(self, 'Warning', PipelineReason.Halted, `halted: ${counted.halted}`);
      if (counted.resumed) await events.event(self, 'Normal', PipelineReason.Resumed, `resumed: ${counted.resumed}`);
    },
  });
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  informer.addHandlers({
    onAdd: (o) => controller.enqueue(keyOf(o)),
    onUpdate: (_o, o) => controller.enqueue(keyOf(o)),
  });
  // a run that changes (finishes) wakes its Pipeline
  const wake = (o: KubeObject) => {
    const ref = (o as { spec?: { pipelineRef?: { name?: string } } }).spec?.pipelineRef?.name;
    if (ref) controller.enqueue(`${o.metadata.namespace}/${ref}`);
  };
  opts.runs.addHandlers({ onAdd: wake, onUpdate: (_o, o) => wake(o) });
  opts.manager.addInformer(informer);
  opts.manager.addController(controller);
  return { informer, controller };
}
