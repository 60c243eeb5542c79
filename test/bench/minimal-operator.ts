// Bosun's side of the runtime benchmark: the minimal Goal reconcile of
// controller-runtime/main.go, on Bosun's runtime (informer, keyed queue,
// controller, conflict-safe status patch, manager with /metrics).
// Usage: minimal-operator.ts KUBECONFIG NAMESPACE PORT WORKERS RESYNC_SECONDS
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import { timestamp } from '../../src/api/v1alpha1/common.js';
import { kindInfo } from '../../src/api/v1alpha1/kinds.js';
import type { KubeObject } from '../../src/api/v1alpha1/meta.js';
import { KubeClient } from '../../src/kube/client.js';
import { bosunResource } from '../../src/kube/resources.js';
import { KubeRest } from '../../src/kube/rest.js';
import { Controller } from '../../src/runtime/controller.js';
import { Informer } from '../../src/runtime/informer.js';
import { Manager } from '../../src/runtime/manager.js';
import { informerMetrics, requestMetrics } from '../../src/runtime/observers.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createMetrics } from '../../src/telemetry/metrics.js';

const [kubeconfig, namespace, port, workers = '16', resync = '0'] = process.argv.slice(2);
const log = createLogger({ level: 'warn' });
const metrics = createMetrics();
const rest = KubeRest.load(kubeconfig, { observe: requestMetrics(metrics), maxSockets: 64 });
const client = new KubeClient(rest, 'bosun-bench');
const resource = bosunResource(kindInfo('Goal'));
const informer = new Informer({
  client,
  resource,
  namespace,
  log,
  observer: informerMetrics(metrics, 'goals'),
  resyncMs: Number(resync) * 1000,
});

type Goal = KubeObject & { status?: { observedGeneration?: number } };

const controller = new Controller({
  name: 'bench',
  workers: Number(workers),
  log,
  metrics,
  reconcile: async (key) => {
    const goal = informer.getByKey(key) as Goal | undefined;
    if (!goal || goal.status?.observedGeneration === goal.metadata.generation) return;
    const generation = goal.metadata.generation;
    await client.patchStatus(resource, goal, {
      ...goal.status,
      observedGeneration: generation,
      phase: 'Pending',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Reconciled',
          message: '',
          lastTransitionTime: timestamp(),
          observedGeneration: generation,
        },
      ],
    });
  },
});
const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
informer.addHandlers({
  onAdd: (o) => controller.enqueue(key(o)),
  onUpdate: (_o, n) => controller.enqueue(key(n)),
  onDelete: (o) => controller.enqueue(key(o)),
});
const manager = new Manager({ log, metrics, healthAddr: `127.0.0.1:${port}` });
manager.addInformer(informer);
manager.addController(controller);
await manager.start();
process.on('SIGTERM', () => void manager.stop().then(() => process.exit(0)));
// Event-loop delay, sampled every millisecond; each scrape reads the p99 since the one before and starts anew, so the
// bench reads it over a window of its own by scraping at both ends. A sample is the time between two ticks, so the
// resolution is taken off.
const RESOLUTION_MS = 1;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();
new Gauge({
  name: 'bench_event_loop_delay_p99_seconds',
  help: 'p99 event-loop delay since the previous scrape',
  registers: [metrics.registry],
  collect() {
    this.set(loop.count ? Math.max(0, loop.percentile(99) / 1e9 - RESOLUTION_MS / 1000) : 0);
    loopMax.set(loop.count ? Math.max(0, loop.max / 1e9 - RESOLUTION_MS / 1000) : 0);
    gcMax.set(longestGc / 1000);
    longestGc = 0;
    loop.reset();
  },
});
// the longest of each, over the same window: a rare pause shows here, not in a p99 of millisecond samples
const loopMax = new Gauge({
  name: 'bench_event_loop_delay_max_seconds',
  help: 'Longest event-loop delay since the previous scrape',
  registers: [metrics.registry],
});
const gcMax = new Gauge({
  name: 'bench_gc_pause_max_seconds',
  help: 'Longest garbage-collection pause since the previous scrape',
  registers: [metrics.registry],
});
let longestGc = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longestGc = Math.max(longestGc, e.duration);
}).observe({ entryTypes: ['gc'] });
