// Adapters from runtime and kube callbacks to Prometheus metrics.
import type { RequestObserver } from '../kube/rest.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { InformerObserver } from './informer.js';

export const informerMetrics = (metrics: Metrics, resource: string): InformerObserver => ({
  watchRestart: (reason) => metrics.watchRestarts.inc({ resource, reason }),
  relist: () => metrics.relists.inc({ resource }),
  cached: (n) => metrics.cachedObjects.set({ resource }, n),
});

export const requestMetrics =
  (metrics: Metrics): RequestObserver =>
  (verb, code) =>
    metrics.apiRequests.inc({ verb, code: String(code) });
