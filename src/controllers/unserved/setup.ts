// Wiring for the kinds this version accepts but does not act on yet
// (Pipeline, PipelineRun): each object gets a status that says so,
// written once, with a Warning Event.
import { errorMessage } from '../../api/errors.js';
import { API_VERSION, kindInfo } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { ConditionType } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import { KubeEventRecorder } from '../../kube/events.js';
import { deepEqual } from '../../kube/merge-patch.js';
import { bosunResource } from '../../kube/resources.js';
import { getCondition } from '../../runtime/conditions.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { NOT_SERVED, notServedStatus, unservedKinds, type UnservedKind, type UnservedStatus } from './status.js';

export const UNSERVED_CONTROLLER = 'unserved';

export interface UnservedControllerOptions {
  manager: Manager;
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  instance: string;
  namespace?: string;
  now?: () => Date;
}

type Obj = KubeObject & { status?: UnservedStatus };

export function setupUnservedController(opts: UnservedControllerOptions) {
  const log = opts.log.child({ controller: UNSERVED_CONTROLLER });
  const client = opts.manager.leaderClient(opts.client, 'bosun-unserved-controller');
  const events = new KubeEventRecorder(client, 'bosun.dev/unserved-controller', opts.instance, (err) =>
    log.warn({ err: errorMessage(err) }, 'could not record an Event'),
  );
  const served = new Map(
    (Object.keys(unservedKinds) as UnservedKind[]).map((kind) => {
      const resource = bosunResource(kindInfo(kind));
      const informer = new Informer<Obj>({
        client,
        resource,
        namespace: opts.namespace,
        log,
        observer: informerMetrics(opts.metrics, resource.plural),
        resyncMs: 0,
      });
      return [kind, { resource, informer }] as const;
    }),
  );

  const controller = new Controller({
    name: UNSERVED_CONTROLLER,
    log,
    metrics: opts.metrics,
    reconcile: async (key) => {
      const [kind, ...rest] = key.split('/') as [UnservedKind, ...string[]];
      const one = served.get(kind);
      const obj = one?.informer.getByKey(rest.join('/'));
      if (!one || !obj || obj.metadata.deletionTimestamp) return;
      const next = notServedStatus(kind, obj.status, obj.metadata.generation, (opts.now ?? (() => new Date()))());
      if (deepEqual(next, obj.status ?? {})) return;
      await client.patchStatus(one.resource, obj, next);
      if (getCondition(obj.status?.conditions, ConditionType.Stalled)?.reason !== NOT_SERVED)
        await events.event(
          { ...obj, apiVersion: API_VERSION, kind },
          'Warning',
          NOT_SERVED,
          unservedKinds[kind].message,
        );
    },
  });
  for (const [kind, { informer }] of served) {
    const enqueue = (o: KubeObject) => controller.enqueue(`${kind}/${o.metadata.namespace}/${o.metadata.name}`);
    informer.addHandlers({ onAdd: enqueue, onUpdate: (_old, o) => enqueue(o) });
    opts.manager.addInformer(informer);
  }
  opts.manager.addController(controller);
  return { served, controller };
}
