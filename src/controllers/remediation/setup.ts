// Wiring for the Remediation controller: the plan engine's controller with the
// rule healer (the Heal agent's diagnosis and playbooks) and the Kubernetes
// tools; the intake (alerts, and the pod-state watcher). A new occurrence of an
// issue, recorded in Bosun's etcd by any replica's intake, wakes the
// Remediation it belongs to.
import { countUsage } from '../../engine/model/usage.js';
import { loadPolicy } from '../../engine/policy.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { Redactor } from '../../redact/index.js';
import type { SecretSink } from '../../telemetry/logger.js';
import { errorMessage } from '../../api/errors.js';
import { OCCURRENCES, OCCURRENCES_PREFIX } from '../../store/state-store.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import type { Requester } from '../../api/v1alpha1/common.js';
import { remediationIntake } from './intake.js';
import { remediationKind } from './kind.js';
import { setupPodStateWatcher } from './pod-watch.js';
import { remediationReconciler } from './reconciler.js';
import { ruleHealer } from './rules.js';
import { modelHealer } from './model-healer.js';
import { ModelCalls } from '../../engine/model/calls.js';
import type { LlmOutcome } from '../../engine/model/plan.js';

export const REMEDIATION_CONTROLLER = 'remediation';

export interface RemediationControllerOptions extends PlanControllerOptions {
  /** what diagnosis findings are redacted with (Secret values read, credential patterns) */
  redactor?: Redactor;
  /** who asks for the heals of issues that come in (alerts, failing pods) */
  intakeRequester: Requester;
  /** every Secret value the controller reads (a ModelProvider's key, ticket credentials) is added here first */
  secrets: SecretSink;
  /** where a ModelProvider's baseURL may point */
  modelEndpoints: readonly string[];
}

export function setupRemediationController(opts: RemediationControllerOptions) {
  const { metrics } = opts;
  const set = setupPlanController(opts, REMEDIATION_CONTROLLER, remediationKind, (deps, enqueue) => {
    const tools = kubernetesTools();
    const rules = ruleHealer(deps.client, { now: deps.now, redactor: opts.redactor });
    const model = modelHealer({
      ...deps,
      tools,
      rules,
      secrets: opts.secrets,
      endpoints: opts.modelEndpoints,
      // a model call holds no worker: its Remediation is enqueued when it is done
      calls: new ModelCalls<LlmOutcome>(enqueue),
      onUsage: countUsage(metrics),
    });
    return remediationReconciler({
      ...deps,
      tools,
      secrets: opts.secrets,
      healer: (rem, ctx) => (rem.spec.planner === 'llm' ? model(rem, ctx) : rules(rem, ctx)),
    });
  });
  watchOccurrences(opts, set);
  // any replica takes alerts in; the pod-state watcher runs on the leader
  const intake = remediationIntake({
    client: opts.client,
    store: opts.store,
    requester: opts.intakeRequester,
    plannerFor: (namespace) =>
      loadPolicy(opts.shared.policies, namespace, undefined, opts.operatorNamespace)?.spec.heal.planner ?? 'rules',
    log: set.log.child({ component: 'intake' }),
  });
  setupPodStateWatcher({ ...opts, client: set.client, report: intake.report });
  return { ...set, intake };
}

/** Every Remediation of a namespace is looked at when an occurrence under it is recorded. */
function watchOccurrences(opts: PlanControllerOptions, set: ReturnType<typeof setupPlanController>) {
  const started = opts.store.watchPrefix(OCCURRENCES_PREFIX, (key) => {
    const namespace = key.slice(OCCURRENCES.length).split('/')[0] ?? '';
    for (const r of set.informer.byNamespace(namespace)) set.controller.enqueue(`${namespace}/${r.metadata.name}`);
  });
  started.then(
    (watch) => opts.manager.onStop(() => watch.close()),
    (err: unknown) => set.log.warn({ err: errorMessage(err) }, 'could not watch issue occurrences'),
  );
}
