// What a bench's operator says of itself, from its /metrics: where the time
// went inside Bosun when heals or runs overlap (reconciles, the work queue's
// wait, backoff retries, throttled API requests, its etcd's errors, its CPU).
// Pure: parses Prometheus' text format.

/** Each sample of the text: its name, labels and value. */
export function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of `name`'s samples whose labels include `where`. */
export function total(text: string, name: string, where: Record<string, string> = {}): number {
  return samples(text)
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

export interface OperatorFigures {
  reconciles: Record<string, number>;
  /** mean reconcile duration, ms */
  reconcileMs: number;
  /** mean wait of a key in the queue before a worker took it, ms */
  queueWaitMs: number;
  retries: number;
  apiRequests: number;
  /** answered 429 (the API server's priority and fairness) or not at all (code 0) */
  apiThrottled: number;
  apiUnanswered: number;
  storeErrors: number;
  /** the operator process's CPU time (user and system), s: near the run's span, its one thread was the limit */
  cpuSeconds: number;
}

/** The figures of `controller` (its queue is named after it) from the operator's metrics. */
export function operatorFigures(text: string, controller: string): OperatorFigures {
  const reconciles: Record<string, number> = {};
  for (const s of samples(text))
    if (s.name === 'bosun_reconcile_total' && s.labels.controller === controller && s.value)
      reconciles[s.labels.result ?? '?'] = s.value;
  const mean = (name: string, where: Record<string, string>) =>
    (1000 * total(text, `${name}_sum`, where)) / total(text, `${name}_count`, where);
  return {
    reconciles,
    reconcileMs: mean('bosun_reconcile_duration_seconds', { controller }),
    queueWaitMs: mean('bosun_workqueue_queue_duration_seconds', { name: controller }),
    retries: total(text, 'bosun_workqueue_retries_total', { name: controller }),
    apiRequests: total(text, 'bosun_kube_requests_total'),
    apiThrottled: total(text, 'bosun_kube_requests_total', { code: '429' }),
    apiUnanswered: total(text, 'bosun_kube_requests_total', { code: '0' }),
    storeErrors: total(text, 'bosun_store_operations_total', { result: 'error' }),
    cpuSeconds: total(text, 'process_cpu_seconds_total'),
  };
}

const round1 = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : n);

/** The figures in a line. */
export function operatorLine(o: OperatorFigures): string {
  return (
    `reconciles ${JSON.stringify(o.reconciles)}, mean ${round1(o.reconcileMs)} ms, ` +
    `mean queue wait ${round1(o.queueWaitMs)} ms, ${o.retries} backoff retries; ${o.apiRequests} API requests ` +
    `(${o.apiThrottled} answered 429, ${o.apiUnanswered} unanswered); ${o.storeErrors} etcd errors; ` +
    `${round1(o.cpuSeconds)} s of CPU`
  );
}
