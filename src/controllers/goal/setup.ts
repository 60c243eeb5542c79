// Wiring for the Goal controller: informer → keyed queue → reconciler.
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { GoalAgent } from '../../agents/goal/agent.js';
import type { Crashpoint } from '../../executor/failpoints.js';
import type { KubeClient } from '../../kube/client.js';
import { KubeEventRecorder } from '../../kube/events.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { StateStore } from '../../store/state-store.js';
import { errorMessage } from '../../api/errors.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { goalReconciler, goalResource } from './reconciler.js';

export const GOAL_CONTROLLER = 'goal';

export interface GoalControllerOptions {
  manager: Manager;
  client: KubeClient;
  store: StateStore;
  log: Logger;
  metrics: Metrics;
  instance: string;
  namespace?: string;
  workers?: number;
  resyncMs?: number;
  /** where the cluster-wide default RiskPolicy lives */
  operatorNamespace: string;
  crashpoint?: Crashpoint;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export function setupGoalController(opts: GoalControllerOptions) {
  const log = opts.log.child({ controller: GOAL_CONTROLLER });
  const client = opts.client.as('bosun-goal-controller');
  const informer = new Informer({
    client,
    resource: goalResource,
    namespace: opts.namespace,
    log,
    observer: informerMetrics(opts.metrics, goalResource.plural),
    resyncMs: opts.resyncMs,
  });
  const events = new KubeEventRecorder(client, 'bosun.dev/goal-controller', opts.instance, (err) => log.warn({ err: errorMessage(err) }, 'could not record an Event'));
  const controller = new Controller({
    name: GOAL_CONTROLLER,
    workers: opts.workers,
    log,
    metrics: opts.metrics,
    reconcile: goalReconciler({
      cache: informer,
      client,
      store: opts.store,
      events,
      log,
      now: () => new Date(),
      agent: new GoalAgent(),
      operatorNamespace: opts.operatorNamespace,
      fence: () => opts.manager.isLeader,
      crashpoint: opts.crashpoint,
    }),
  });
  informer.addHandlers({
    onAdd: (o) => controller.enqueue(keyOf(o)),
    onUpdate: (_old, o) => controller.enqueue(keyOf(o)),
    onDelete: (o) => controller.enqueue(keyOf(o)),
  });
  opts.manager.addInformer(informer);
  opts.manager.addController(controller);
  return { informer, controller };
}
