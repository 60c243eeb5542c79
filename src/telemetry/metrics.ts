// Bosun's Prometheus metrics. One registry per operator instance (created by
// the composition root), so tests and benchmarks can run several side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { workMetrics } from './work-metrics.js';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    // plan steps and phases, pending Approvals, LLM budgets, pipeline stages, the store's availability
    ...workMetrics(registers),
    reconcileTotal: new Counter({
      name: 'bosun_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue, error, terminal, panic)',
      labelNames: ['controller', 'result'] as const,
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'bosun_reconcile_duration_seconds',
      help: 'Reconcile duration by controller',
      labelNames: ['controller'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'bosun_workqueue_depth',
      help: 'Keys waiting in the work queue',
      labelNames: ['name'] as const,
      registers,
    }),
    queueWait: new Histogram({
      name: 'bosun_workqueue_queue_duration_seconds',
      help: 'How long a key waits in the queue before a worker takes it',
      labelNames: ['name'] as const,
      buckets: [0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
      registers,
    }),
    queueRetries: new Counter({
      name: 'bosun_workqueue_retries_total',
      help: 'Rate-limited re-adds (backoff retries)',
      labelNames: ['name'] as const,
      registers,
    }),
    watchRestarts: new Counter({
      name: 'bosun_informer_watch_restarts_total',
      help: 'Watches restarted after an error, a stall or a closed stream',
      labelNames: ['resource', 'reason'] as const,
      registers,
    }),
    relists: new Counter({
      name: 'bosun_informer_relists_total',
      help: 'Full relists (start-up and 410 Gone)',
      labelNames: ['resource'] as const,
      registers,
    }),
    cachedObjects: new Gauge({
      name: 'bosun_informer_cached_objects',
      help: 'Objects in the informer cache',
      labelNames: ['resource'] as const,
      registers,
    }),
    apiRequests: new Counter({
      name: 'bosun_kube_requests_total',
      help: 'Kubernetes API requests by verb and HTTP code (0: no answer)',
      labelNames: ['verb', 'code'] as const,
      registers,
    }),
    storeOps: new Counter({
      name: 'bosun_store_operations_total',
      help: "Operations on Bosun's etcd by operation and result",
      labelNames: ['op', 'result'] as const,
      registers,
    }),
    storeDuration: new Histogram({
      name: 'bosun_store_operation_duration_seconds',
      help: "Duration of operations on Bosun's etcd",
      labelNames: ['op'] as const,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    llmTokens: new Counter({
      name: 'bosun_llm_tokens_total',
      help: 'LLM tokens by provider, model, namespace and direction (input, output)',
      labelNames: ['provider', 'model', 'namespace', 'direction'] as const,
      registers,
    }),
    llmCost: new Counter({
      name: 'bosun_llm_cost_total',
      help: 'LLM cost in US dollars, from the ModelProvider pricing, by provider, model and namespace',
      labelNames: ['provider', 'model', 'namespace'] as const,
      registers,
    }),
    githubDeliveries: new Counter({
      name: 'bosun_github_deliveries_total',
      help: 'GitHub webhook deliveries at /github by result (Created, Existing, or the reason of the answer)',
      labelNames: ['result'] as const,
      registers,
    }),
    leader: new Gauge({ name: 'bosun_leader', help: '1 while this replica holds the leader Lease', registers }),
    webhookCertExpiry: new Gauge({
      name: 'bosun_webhook_certificate_expiry_timestamp_seconds',
      help: 'When the certificate the admission webhook serves expires, in seconds since the epoch',
      registers,
    }),
  };
}
