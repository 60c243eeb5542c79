// Wiring for the Remediation controller: the plan engine's controller with the
// Heal agent (diagnosis and playbooks, with the Kubernetes tools) and the model
// agent main.ts made, briefed for Remediations; the intake (alerts, and the
// pod-state watcher). A new occurrence of an issue, recorded in Bosun's etcd by
// any replica's intake, wakes the Remediation it belongs to.
import { loadPolicy } from '../../engine/policy.js';
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { Redactor } from '../../redact/index.js';
import type { SecretSink } from '../../telemetry/logger.js';
import { errorMessage } from '../../api/errors.js';
import { OCCURRENCES, OCCURRENCES_PREFIX } from '../../store/state-store.js';
import type { Requester } from '../../api/v1alpha1/common.js';
import { remediationIntake } from './intake.js';
import { remediationKind } from './kind.js';
import { setupPodStateWatcher } from './pod-watch.js';
import { remediationReconciler } from './reconciler.js';
import { healer } from './heal.js';
import { remediationModelBrief } from './model-brief.js';
import { HealAgent } from '../../agents/heal/agent.js';
import type { ModelAgent } from '../../engine/model/agent.js';
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
  /** the model planner (main.ts) */
  model: ModelAgent;
}

export function setupRemediationController(opts: RemediationControllerOptions) {
  const set = setupPlanController(opts, REMEDIATION_CONTROLLER, remediationKind, (deps, enqueue) => {
    const rules = new HealAgent();
    const tools = rules.tools();
    // a model call holds no worker: its Remediation is enqueued when it is done
    const model = opts.model.for(remediationModelBrief(tools), new ModelCalls<LlmOutcome>(enqueue));
    return remediationReconciler({
      ...deps,
      tools,
      secrets: opts.secrets,
      healer: healer({ ...deps, redactor: opts.redactor, rules, model }),
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
