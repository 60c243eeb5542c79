// Wiring for the Remediation controller: the plan engine's controller with the
// rule healer (the Heal agent's diagnosis and playbooks) and the Kubernetes
// tools. A new occurrence of an issue, recorded in Bosun's etcd by any
// replica's intake, wakes the Remediation it belongs to.
import { setupPlanController, type PlanControllerOptions } from '../../engine/controller.js';
import type { Redactor } from '../../redact/index.js';
import type { SecretSink } from '../../telemetry/logger.js';
import { errorMessage } from '../../api/errors.js';
import { OCCURRENCES, OCCURRENCES_PREFIX } from '../../store/state-store.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import { remediationKind } from './kind.js';
import { remediationReconciler } from './reconciler.js';
import { ruleHealer } from './rules.js';

export const REMEDIATION_CONTROLLER = 'remediation';

export interface RemediationControllerOptions extends PlanControllerOptions {
  /** what diagnosis findings are redacted with (Secret values read, credential patterns) */
  redactor?: Redactor;
  /** every Secret value the controller reads (escalation tickets' credentials) is added here first */
  secrets: SecretSink;
}

export function setupRemediationController(opts: RemediationControllerOptions) {
  const set = setupPlanController(opts, REMEDIATION_CONTROLLER, remediationKind, (deps) =>
    remediationReconciler({
      ...deps,
      tools: kubernetesTools(),
      secrets: opts.secrets,
      healer: ruleHealer(deps.client, { now: deps.now, redactor: opts.redactor }),
    }),
  );
  watchOccurrences(opts, set);
  return set;
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
