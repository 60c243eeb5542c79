// The runtime benchmark: Bosun's controller runtime (minimal-operator.ts: informer, keyed work queue, controller,
// conflict-safe status patch, manager with /metrics) against the same minimal Goal reconcile written with
// controller-runtime (controller-runtime/main.go), and both against the API server's own limit, per size of
// namespace. Every measurement runs `repeats` times, the contenders interleaved (Bosun, controller-runtime;
// controller-runtime, Bosun; …), so that a slow minute of this shared machine falls on all of them;
// lib/runtime-report.ts prints the median with the least and the most. Each contender's turn starts alike: the
// cluster etcd's history compacted (lib/etcd-compact.ts), the ceiling measured, then the contender's phases.
// Nothing here is asserted.
//
// Three phases per size, each apart from the others:
//   throughput  the ceiling: one resourceVersion-guarded status patch per Goal, 64 in flight, from a warm client
//               with no informer and no queue (lib/goals.ts), patches/s from the first sent to the last answered.
//               Then each contender, started on its namespace of `n` Goals whose status lags their generation: cold
//               start is process spawn → the bench's watch has seen every Goal's status observe its generation;
//               reconciles/s is `n` over the time from the first such status to the last, as the watch sees them
//               (the same watch for both; the process is not scraped while it works). Beside it, per reconcile: the
//               contender's CPU time over the same window (/proc), and the API server's from the contender's start to
//               the last status (its own process_cpu_seconds_total). Before each round the bench changes every Goal's
//               spec (a new generation), while no contender runs, so each round starts cold.
//   latency     the same process, right after: `latencySamples` spec changes at `rate`/s, each to another Goal, and
//               the time from the moment each was sent to the first watch event whose status observes its
//               generation. The p50 and p99 are of all rounds' samples together (at least
//               3,000 by default), beside each round's p99. Bosun's event-loop delay p99 over the same window
//               (perf_hooks.monitorEventLoopDelay in the process, scraped at both ends) is printed beside it, with
//               the longest event-loop delay and the longest GC pause (PerformanceObserver) of the window. Each
//               change is also timed to the watch event of the change itself (its new generation): that part is the
//               API server's write and watch delivery alone, before any contender acts; the rest (that event → the
//               status) is the contender's reaction with its patch's write and delivery. The compactions the
//               cluster's etcd ran in the window are counted (the API server asks for one every 5 minutes).
//               Neither process is made to collect garbage in these two phases.
//   memory      each contender started twice per round: on an empty namespace (its baseline) and on its namespace
//               of `n` reconciled Goals (a no-op start: every Goal is checked, nothing written); once the process has
//               checked every Goal (its own reconcile count), it is asked for a full garbage collection (SIGUSR2:
//               lib/gc-on-signal.ts, and the same in main.go), and a second later heap in use is read by the
//               runtime's own statistics (V8's heap used, Go's heap alloc) and RSS from /proc, both the same way for
//               baseline and loaded. Per cached object: (loaded − baseline) / n. The writes the no-op start made
//               (from the API server's audit log) are counted: they should be none.
import { identities } from '../../hack/control-plane/identities.js';
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import type { KubeClient } from '../../src/kube/client.js';
import {
  bosunSpec,
  controllerRuntimeSpec,
  startContender,
  type Contender,
  type ContenderSpec,
} from './lib/contender.js';
import { auditMark, readAuditSince } from './lib/audit.js';
import { compactClusterEtcd } from './lib/etcd-compact.js';
import { ceilingPatchesPerSecond, createGoals, createNamespace, goalResource, watchGoals } from './lib/goals.js';
import type { ContenderName, Latency, Memory, SizeFigures, Throughput } from './lib/runtime-report.js';
import { interleave, percentile, pool } from './lib/stats.js';
import { sleep } from '../../src/runtime/backoff.js';
import { sumMetric } from '../support/operator.js';

export interface RuntimeOptions {
  /** object counts, one namespace each per contender */
  sizes: number[];
  /** rounds of each measurement, the contenders interleaved */
  repeats: number;
  /** spec changes per round of the latency phase */
  latencySamples: number;
  /** spec changes per second in the latency phase */
  rate: number;
}

/** BOSUN_BENCH_SIZES (default 1000,10000), BOSUN_BENCH_REPEATS (3), BOSUN_BENCH_LATENCY_SAMPLES (1000 a round). */
export function runtimeOptionsFromEnv(env = process.env): RuntimeOptions {
  const sizes = (env.BOSUN_BENCH_SIZES ?? '1000,10000').split(',').filter(Boolean).map(Number);
  const repeats = Number(env.BOSUN_BENCH_REPEATS ?? 3);
  const latencySamples = Number(env.BOSUN_BENCH_LATENCY_SAMPLES ?? 1000);
  for (const [name, v] of Object.entries({ sizes: Math.min(...sizes, 1), repeats, latencySamples }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`bench ${name}: whole numbers of at least 1, got ${v}`);
  return { sizes, repeats, latencySamples, rate: 50 };
}

/** A new generation for every Goal of `namespace` (replicas 5000 + round: latency changes stay below 4002). */
async function touchAll(admin: KubeClient, namespace: string, round: number): Promise<void> {
  const { items } = await admin.list(goalResource, { namespace });
  await pool(items, 64, async (g) => {
    await admin.patch(goalResource, namespace, g.metadata.name, { spec: { intent: { replicas: 5000 + round } } });
  });
}

type Seen = { metadata?: { name?: string; generation?: number }; status?: Record<string, unknown> };
const observes = (g: Seen) =>
  typeof g.status?.observedGeneration === 'number' && g.status.observedGeneration === g.metadata?.generation;

/** Starts `spec` on `namespace`, whose `n` Goals lag their generation, and times it until every one is observed. */
async function throughput(
  spec: ContenderSpec,
  admin: KubeClient,
  namespace: string,
  n: number,
  say: (line: string) => void,
): Promise<{ figures: Throughput; contender: Contender }> {
  const seen = new Set<string>();
  let first = 0;
  let last = 0;
  // the contender's CPU time over the same window as reconciles/s (read from /proc as the watch sees the statuses)
  const cpu = { first: 0, last: 0, read: () => 0 };
  const watch = await watchGoals(admin, namespace, (g) => {
    const name = g.metadata?.name;
    if (!name || seen.has(name) || !observes(g)) return;
    seen.add(name);
    const now = performance.now();
    if (seen.size === 1) [first, cpu.first] = [now, cpu.read()];
    if (seen.size === n) [last, cpu.last] = [now, cpu.read()];
  });
  const apiserverBefore = await apiserverCpuMs(admin);
  const started = performance.now();
  const contender = startContender(spec, namespace, await freePort(), say);
  cpu.read = () => contender.cpuMs();
  try {
    await until(`${spec.name}: every Goal observed`, async () => seen.size >= n, 600_000);
  } finally {
    await watch.stop();
  }
  const apiserverMs = (await apiserverCpuMs(admin)) - apiserverBefore;
  await sleep(1000);
  const m = await contender.metrics();
  return {
    figures: {
      coldStartMs: last - started,
      perSecond: n / ((last - first) / 1000),
      requestsPerReconcile: spec.requests(m) / Math.max(1, spec.reconciles(m)),
      cpuMsPerReconcile: (cpu.last - cpu.first) / Math.max(1, n - 1),
      apiserverCpuMsPerReconcile: apiserverMs / n,
    },
    contender,
  };
}

/** `samples` spec changes at `rate`/s to the Goals of `namespace`; the time from each to the status observing it. */
async function latency(
  admin: KubeClient,
  contender: Contender,
  spec: ContenderSpec,
  namespace: string,
  n: number,
  o: RuntimeOptions,
  etcdUrl: string,
): Promise<Latency> {
  // every event the bench's watch sees: the change itself (a new generation) and the status that observes it
  const events = new Map<string, { generation: number; observed: number; at: number }[]>();
  const watch = await watchGoals(admin, namespace, (g: Seen) => {
    const name = g.metadata?.name;
    const gen = g.status?.observedGeneration;
    if (!name) return;
    const e = { generation: g.metadata?.generation ?? 0, observed: typeof gen === 'number' ? gen : 0 };
    const list = events.get(name) ?? [];
    if (list.length === 0) events.set(name, list);
    list.push({ ...e, at: performance.now() });
  });
  if (spec.eventLoopP99Ms) await contender.metrics(); // starts the event-loop window
  const compactionsBefore = await etcdCompactions(etcdUrl);
  const changes: { name: string; sent: number; generation: number }[] = [];
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < o.latencySamples; i++) {
    const wait = start + (i * 1000) / o.rate - performance.now();
    if (wait > 0) await sleep(wait);
    const name = `g-${i % n}`;
    const sent = performance.now();
    inflight.push(
      admin
        .patch<{ metadata: { generation: number } }>(goalResource, namespace, name, {
          spec: { intent: { replicas: 2 + (i % 4000) } },
        })
        .then((res) => void changes.push({ name, sent, generation: res.metadata.generation })),
    );
  }
  await Promise.all(inflight);
  await sleep(3000);
  const end = await contender.metrics();
  const compactionsAfter = await etcdCompactions(etcdUrl);
  const eventLoopP99Ms = spec.eventLoopP99Ms?.(end);
  const pauses = spec.pausesMs?.(end);
  await watch.stop();
  const latencies: number[] = [];
  const deliveredMs: number[] = [];
  const reactedMs: number[] = [];
  const sentAt: number[] = [];
  let missed = 0;
  for (const c of changes) {
    const seen = events.get(c.name) ?? [];
    const hit = seen.find((s) => s.observed >= c.generation);
    const delivered = seen.find((s) => s.generation >= c.generation);
    if (hit) {
      latencies.push(hit.at - c.sent);
      sentAt.push(c.sent - start);
    } else missed += 1;
    if (hit && delivered) {
      deliveredMs.push(delivered.at - c.sent);
      reactedMs.push(hit.at - delivered.at);
    }
  }
  // when the slowest 1 % were sent: close together is one stall, spread out is a slow path
  const p99 = percentile(latencies, 99);
  const slowest = sentAt.filter((_, i) => (latencies[i] as number) >= p99);
  return {
    latencies,
    slowestSentS: [Math.min(...slowest) / 1000, Math.max(...slowest) / 1000],
    deliveredMs,
    reactedMs,
    missed,
    etcdCompactions: compactionsAfter.count - compactionsBefore.count,
    etcdCompactionMs: compactionsAfter.ms - compactionsBefore.ms,
    ...(eventLoopP99Ms === undefined ? {} : { eventLoopP99Ms }),
    ...(pauses && { eventLoopMaxMs: pauses.eventLoopMax, gcPauseMaxMs: pauses.gcMax }),
  };
}

/** The API server's CPU time so far, by its own metrics (10 ms resolution). */
async function apiserverCpuMs(admin: KubeClient): Promise<number> {
  return sumMetric(await admin.getText('/metrics', {}), 'process_cpu_seconds_total') * 1000;
}

/** Compactions the cluster's etcd has run since it started (the API server asks for one every 5 minutes). */
async function etcdCompactions(etcdUrl: string): Promise<{ count: number; ms: number }> {
  const text = await (await fetch(`${etcdUrl}/metrics`)).text();
  const metric = (suffix: string) =>
    sumMetric(text, `etcd_debugging_mvcc_db_compaction_total_duration_milliseconds_${suffix}`);
  return { count: metric('count'), ms: metric('sum') };
}

/** Write requests of the operator's identity in `namespace` after audit-log mark `from`. */
async function auditWritesSince(auditLog: string, from: number, namespace: string): Promise<number> {
  const writes = new Set(['create', 'update', 'patch', 'delete']);
  let count = 0;
  await readAuditSince(auditLog, from, (e) => {
    if (
      e.stage === 'ResponseComplete' &&
      writes.has(e.verb) &&
      e.user.username === identities.operator.user &&
      e.objectRef?.namespace === namespace
    )
      count += 1;
  });
  return count;
}

/** Heap (KB) and RSS (KB) of `spec` on `namespace` once it has checked `n` Goals and collected its garbage. */
async function settledMemory(
  spec: ContenderSpec,
  namespace: string,
  n: number,
  say: (line: string) => void,
): Promise<{ heapKb: number; rssKb: number; reconciles: number }> {
  const c = startContender(spec, namespace, await freePort(), say);
  try {
    await until(
      `${spec.name} has checked ${n} Goals`,
      async () => spec.reconciles(await c.metrics().catch(() => '')) >= n && (n > 0 || (await c.metrics()).length > 0),
      600_000,
    );
    await sleep(1000);
    c.gc();
    await sleep(1000);
    const m = await c.metrics();
    return { heapKb: spec.heapBytes(m) / 1024, rssKb: c.rssKb(), reconciles: spec.reconciles(m) };
  } finally {
    await c.stop();
  }
}

async function memory(
  spec: ContenderSpec,
  cp: ControlPlaneInfo,
  namespaces: { empty: string; loaded: string },
  n: number,
  say: (line: string) => void,
): Promise<Memory> {
  const base = await settledMemory(spec, namespaces.empty, 0, say);
  const mark = auditMark(cp.auditLog);
  const loaded = await settledMemory(spec, namespaces.loaded, n, say);
  return {
    heapKbPerObject: (loaded.heapKb - base.heapKb) / n,
    rssKbPerObject: (loaded.rssKb - base.rssKb) / n,
    noopWrites: await auditWritesSince(cp.auditLog, mark, namespaces.loaded),
    noopReconciles: loaded.reconciles,
  };
}

/** The three phases at size `n`, each `o.repeats` times with the contenders interleaved. */
export async function benchRuntime(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  operator: KubeClient,
  crBinary: string,
  n: number,
  o: RuntimeOptions,
  say: (line: string) => void,
): Promise<SizeFigures> {
  const specs: Record<ContenderName, ContenderSpec> = {
    bosun: bosunSpec(cp.kubeconfigs.operator),
    'controller-runtime': controllerRuntimeSpec(crBinary, cp.kubeconfigs.operator),
  };
  const ns = { ceiling: `ceiling-${n}`, bosun: `bosun-${n}`, 'controller-runtime': `cr-${n}`, empty: `empty-${n}` };
  for (const name of Object.values(ns)) await createNamespace(admin, name);
  for (const name of [ns.ceiling, ns.bosun, ns['controller-runtime']]) await createGoals(admin, name, n);
  say(`created ${3 * n} Goals`);

  const ceiling: Record<ContenderName, number[]> = { bosun: [], 'controller-runtime': [] };
  const rounds = await interleave(['bosun', 'controller-runtime'] as const, o.repeats, async (name, round) => {
    // each contender's turn starts the same way: etcd's history compacted, then the ceiling measured
    const compacted = await compactClusterEtcd(cp.etcdUrl);
    const c = await ceilingPatchesPerSecond(operator, ns.ceiling);
    ceiling[name].push(c.perSecond);
    say(
      `round ${round + 1}: etcd compacted to revision ${compacted.revision} in ${Math.round(compacted.ms)} ms; ` +
        `ceiling before ${name} ${Math.round(c.perSecond)} status patches/s`,
    );
    if (round > 0) await touchAll(admin, ns[name], round);
    const { figures, contender } = await throughput(specs[name], admin, ns[name], n, say);
    try {
      const lat = await latency(admin, contender, specs[name], ns[name], n, o, cp.etcdUrl);
      say(
        `round ${round + 1}: ${name} ${Math.round(figures.perSecond)} reconciles/s, cold start ` +
          `${Math.round(figures.coldStartMs)} ms, ${lat.latencies.length} changes (missed ${lat.missed}), ` +
          `p99 ${Math.round(percentile(lat.latencies, 99))} ms (the API server alone ` +
          `${Math.round(percentile(lat.deliveredMs, 99))} ms), its slowest 1 % sent ` +
          `${lat.slowestSentS.map((x) => x.toFixed(1)).join('–')} s into the window`,
      );
      return { throughput: figures, latency: lat };
    } finally {
      await contender.stop();
    }
  });
  const mem = await interleave(['bosun', 'controller-runtime'] as const, o.repeats, (name) =>
    memory(specs[name], cp, { empty: ns.empty, loaded: ns[name] }, n, say),
  );
  const pick = <K extends 'throughput' | 'latency'>(k: K) => ({
    bosun: rounds.bosun.map((r) => r[k]),
    'controller-runtime': rounds['controller-runtime'].map((r) => r[k]),
  });
  return { n, ceiling, throughput: pick('throughput'), latency: pick('latency'), memory: mem };
}
