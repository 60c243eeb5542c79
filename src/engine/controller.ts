// Wiring for a planning kind's controller, the same for every kind: its
// informer → keyed queue → reconciler, the leader's client and fenced store,
// an Event recorder, and requeues when a RiskPolicy changes (the subjects it may
// govern) or an Approval is decided (the subject that owns it).
import { errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { Crashpoint } from '../executor/failpoints.js';
import type { KubeClient } from '../kube/client.js';
import { DiscoveryMapper } from '../kube/discovery.js';
import { KubeEventRecorder } from '../kube/events.js';
import type { ExecutorCredentials } from '../kube/executor-credentials.js';
import { Controller, type Reconcile } from '../runtime/controller.js';
import { Informer } from '../runtime/informer.js';
import type { Manager } from '../runtime/manager.js';
import { informerMetrics } from '../runtime/observers.js';
import { fencedStore } from '../store/fenced-store.js';
import type { StateStore } from '../store/state-store.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { StepDeps } from './execute.js';
import type { SharedInformers } from './informers.js';
import { phaseCounts, planMetrics } from './metrics.js';
import type { ReconcileDeps } from './reconcile.js';
import type { SubjectKind } from './subject.js';

export interface PlanControllerOptions {
  manager: Manager;
  client: KubeClient;
  store: StateStore;
  log: Logger;
  metrics: Metrics;
  instance: string;
  namespace?: string;
  workers?: number;
  resyncMs?: number;
  /** where the cluster-wide default RiskPolicy lives (and Bosun runs) */
  operatorNamespace: string;
  crashpoint?: Crashpoint;
  /** short-lived executor identities, shared by every controller */
  executors: ExecutorCredentials;
  /** the RiskPolicy and Approval caches every planning kind shares */
  shared: SharedInformers;
}

/** What every planning kind's reconciler is given. */
export type EngineDeps = ReconcileDeps & StepDeps & { policies: SharedInformers['policies'] };

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export function setupPlanController(
  opts: PlanControllerOptions,
  name: string,
  kind: Pick<SubjectKind, 'kind' | 'resource'>,
  reconciler: (deps: EngineDeps, enqueue: (key: string) => void, informer: Informer<KubeObject>) => Reconcile,
) {
  const log = opts.log.child({ controller: name });
  // asked right before every write (status, events, finalizers, Bosun's etcd), not once per reconcile
  const fence = () => opts.manager.isLeader;
  const client = opts.manager.leaderClient(opts.client, `bosun-${name}-controller`);
  const store = fencedStore(opts.store, fence);
  const informer = new Informer<KubeObject>({
    client,
    resource: kind.resource,
    namespace: opts.namespace,
    log,
    observer: informerMetrics(opts.metrics, kind.resource.plural),
    resyncMs: opts.resyncMs,
  });
  const { policies, approvals } = opts.shared;
  const events = new KubeEventRecorder(client, `bosun.dev/${name}-controller`, opts.instance, (err) =>
    log.warn({ err: errorMessage(err) }, 'could not record an Event'),
  );
  const deps: EngineDeps = {
    cache: informer,
    client,
    store,
    events,
    log,
    now: () => new Date(),
    crashpoint: opts.crashpoint,
    mapper: new DiscoveryMapper(client),
    executors: opts.executors,
    approvals,
    policies,
    operatorNamespace: opts.operatorNamespace,
    fence,
    observe: planMetrics(opts.metrics),
  };
  const controller: Controller = new Controller({
    name,
    workers: opts.workers,
    log,
    metrics: opts.metrics,
    reconcile: reconciler(deps, (key) => controller.enqueue(key), informer),
  });
  informer.addHandlers({
    onAdd: (o) => controller.enqueue(keyOf(o)),
    onUpdate: (_old, o) => controller.enqueue(keyOf(o)),
    onDelete: (o) => controller.enqueue(keyOf(o)),
  });
  // a RiskPolicy that appears or changes is looked at again by the subjects it may govern
  const requeueAll = (policy: KubeObject) => {
    const ns = policy.metadata.namespace ?? '';
    for (const s of ns === opts.operatorNamespace ? informer.list() : informer.byNamespace(ns))
      controller.enqueue(keyOf(s));
  };
  policies.addHandlers({ onAdd: requeueAll, onUpdate: (_old, p) => requeueAll(p), onDelete: requeueAll });
  // a decision on an Approval wakes the subject that owns it
  const requeueOwner = (approval: KubeObject) => {
    const owner = approval.metadata.ownerReferences?.find((o) => o.kind === kind.kind && o.controller);
    if (owner) controller.enqueue(`${approval.metadata.namespace}/${owner.name}`);
  };
  approvals.addHandlers({ onAdd: requeueOwner, onUpdate: (_old, a) => requeueOwner(a), onDelete: requeueOwner });
  // the kind's objects by phase, counted from the cache at each scrape
  opts.metrics.scrape.phases.set(kind.kind, () => phaseCounts(informer.list()));
  opts.manager.addInformer(informer);
  opts.manager.addController(controller);
  return { informer, controller, client, store, log };
}
