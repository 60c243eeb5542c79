// Wiring for the Goal controller: informer → keyed queue → reconciler.
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { GoalAgent } from '../../agents/goal/agent.js';
import type { Crashpoint } from '../../executor/failpoints.js';
import type { KubeClient } from '../../kube/client.js';
import { DiscoveryMapper } from '../../kube/discovery.js';
import { KubeEventRecorder } from '../../kube/events.js';
import type { ExecutorCredentials } from '../../kube/executor-credentials.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { StateStore } from '../../store/state-store.js';
import { errorMessage } from '../../api/errors.js';
import { fencedStore } from '../../store/fenced-store.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import type { SharedInformers } from '../../engine/informers.js';
import type { LlmOutcome } from './llm.js';
import { ModelCalls } from './llm-calls.js';
import { goalReconciler, goalResource } from './reconciler.js';

export const GOAL_CONTROLLER = 'goal';

export interface GoalControllerOptions {
  manager: Manager;
  client: KubeClient;
  store: StateStore;
  log: Logger;
  /** every Secret value the controller reads is added here first, so that no log line shows it */
  secrets: SecretSink;
  metrics: Metrics;
  instance: string;
  namespace?: string;
  workers?: number;
  resyncMs?: number;
  /** where the cluster-wide default RiskPolicy lives */
  operatorNamespace: string;
  crashpoint?: Crashpoint;
  /** short-lived executor identities, shared by every controller */
  executors: ExecutorCredentials;
  /** where a ModelProvider's baseURL may point */
  modelEndpoints: readonly string[];
  /** the RiskPolicy and Approval caches every planning kind shares */
  shared: SharedInformers;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export function setupGoalController(opts: GoalControllerOptions) {
  const log = opts.log.child({ controller: GOAL_CONTROLLER });
  // asked right before every write (status, events, finalizers, Bosun's etcd), not once per reconcile
  const fence = () => opts.manager.isLeader;
  const client = opts.manager.leaderClient(opts.client, 'bosun-goal-controller');
  const store = fencedStore(opts.store, fence);
  const informer = new Informer({
    client,
    resource: goalResource,
    namespace: opts.namespace,
    log,
    observer: informerMetrics(opts.metrics, goalResource.plural),
    resyncMs: opts.resyncMs,
  });
  const { policies, approvals } = opts.shared;
  const events = new KubeEventRecorder(client, 'bosun.dev/goal-controller', opts.instance, (err) =>
    log.warn({ err: errorMessage(err) }, 'could not record an Event'),
  );
  const controller = new Controller({
    name: GOAL_CONTROLLER,
    workers: opts.workers,
    log,
    metrics: opts.metrics,
    reconcile: goalReconciler({
      cache: informer,
      client,
      store,
      events,
      log,
      secrets: opts.secrets,
      now: () => new Date(),
      agent: new GoalAgent(),
      policies,
      approvals,
      operatorNamespace: opts.operatorNamespace,
      fence,
      onLlmUsage: (u, namespace) => {
        opts.metrics.llmTokens.inc(
          { provider: u.provider, model: u.model, namespace, direction: 'input' },
          u.inputTokens,
        );
        opts.metrics.llmTokens.inc(
          { provider: u.provider, model: u.model, namespace, direction: 'output' },
          u.outputTokens,
        );
        opts.metrics.llmCost.inc({ provider: u.provider, model: u.model, namespace }, u.usd);
      },
      crashpoint: opts.crashpoint,
      executors: opts.executors,
      mapper: new DiscoveryMapper(client),
      modelEndpoints: opts.modelEndpoints,
      // a model call holds no worker: its Goal is enqueued when it is done
      modelCalls: new ModelCalls<LlmOutcome>((key) => controller.enqueue(key)),
    }),
  });
  informer.addHandlers({
    onAdd: (o) => controller.enqueue(keyOf(o)),
    onUpdate: (_old, o) => controller.enqueue(keyOf(o)),
    onDelete: (o) => controller.enqueue(keyOf(o)),
  });
  // a RiskPolicy that appears or changes is looked at again by the Goals it may govern
  const requeueGoals = (policy: KubeObject) => {
    const ns = policy.metadata.namespace ?? '';
    for (const goal of ns === opts.operatorNamespace ? informer.list() : informer.byNamespace(ns))
      controller.enqueue(keyOf(goal));
  };
  policies.addHandlers({ onAdd: requeueGoals, onUpdate: (_old, p) => requeueGoals(p), onDelete: requeueGoals });
  // a decision on an Approval wakes the Goal that owns it
  const requeueOwner = (approval: KubeObject) => {
    const owner = approval.metadata.ownerReferences?.find((o) => o.kind === 'Goal' && o.controller);
    if (owner) controller.enqueue(`${approval.metadata.namespace}/${owner.name}`);
  };
  approvals.addHandlers({ onAdd: requeueOwner, onUpdate: (_old, a) => requeueOwner(a), onDelete: requeueOwner });
  opts.manager.addInformer(informer);
  opts.manager.addController(controller);
  return { informer, policies, approvals, controller };
}
