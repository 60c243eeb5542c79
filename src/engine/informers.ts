// The caches every planning kind reads: RiskPolicies (every step checks the
// deny list without an API call) and Approvals. One of each per process,
// opened here once, never once per controller; each controller adds its own
// handlers (a decision wakes the subject that owns the Approval).
import { kindInfo } from '../api/v1alpha1/kinds.js';
import type { KubeClient } from '../kube/client.js';
import { bosunResource } from '../kube/resources.js';
import { Informer } from '../runtime/informer.js';
import type { Manager } from '../runtime/manager.js';
import { informerMetrics } from '../runtime/observers.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { pendingApprovals } from './metrics.js';
import { riskPolicyResource } from './policy.js';

export const approvalResource = bosunResource(kindInfo('Approval'));

export interface SharedInformers {
  policies: Informer;
  approvals: Informer;
}

export function setupSharedInformers(opts: {
  manager: Manager;
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  /** watch one namespace's Approvals (RiskPolicies are read everywhere: the cluster default lives apart) */
  namespace?: string;
}): SharedInformers {
  const client = opts.client.as('bosun-shared-informers');
  const policies = new Informer({
    client,
    resource: riskPolicyResource,
    log: opts.log,
    observer: informerMetrics(opts.metrics, riskPolicyResource.plural),
    resyncMs: 0,
  });
  const approvals = new Informer({
    client,
    resource: approvalResource,
    namespace: opts.namespace,
    log: opts.log,
    observer: informerMetrics(opts.metrics, approvalResource.plural),
    resyncMs: 0,
  });
  // the pending Approvals, how long each has waited and may wait, read from the cache at each scrape
  opts.metrics.scrape.approvals = () => pendingApprovals(approvals.list(), new Date());
  opts.manager.addInformer(policies);
  opts.manager.addInformer(approvals);
  return { policies, approvals };
}
