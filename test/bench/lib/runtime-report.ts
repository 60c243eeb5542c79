// The runtime benchmark's figures (test/bench/runtime.ts) as printed lines and as the JSON line's fields: each
// figure the median of its rounds with the least and the most, each ratio taken within a round (Bosun and the peer
// of the same round) before the median.
import { percentile, round, spread, spreadJson, spreadText, type Spread } from './stats.js';

export type ContenderName = 'bosun' | 'controller-runtime';

export interface Throughput {
  /** process spawn → every Goal's status observed */
  coldStartMs: number;
  /** Goals per second from the first observed status to the last */
  perSecond: number;
  requestsPerReconcile: number;
  /** the contender's CPU time from the first observed status to the last, per reconcile */
  cpuMsPerReconcile: number;
  /** the API server's CPU time from the contender's start to the last observed status, per Goal */
  apiserverCpuMsPerReconcile: number;
}

export interface Latency {
  /** change → status that observed it, ms, one per change */
  latencies: number[];
  /** the first and the last moment (s into the window) at which one of the slowest 1 % was sent */
  slowestSentS: [number, number];
  /**
   * change → the bench's watch saw the change itself (its new generation), ms, one per change whose status was
   * seen: the API server's write and watch delivery with no contender in it
   */
  deliveredMs: number[];
  /** the rest of each of those: the bench's watch saw the change → it saw the status (the contender's reaction) */
  reactedMs: number[];
  /** changes whose status was not seen */
  missed: number;
  /** compactions the cluster's etcd ran during the window, and their time together */
  etcdCompactions: number;
  etcdCompactionMs: number;
  /** the process's event-loop delay p99 over the window (Bosun only) */
  eventLoopP99Ms?: number;
  /** the longest event-loop delay and GC pause in the window (Bosun only) */
  eventLoopMaxMs?: number;
  gcPauseMaxMs?: number;
}

export interface Memory {
  heapKbPerObject: number;
  rssKbPerObject: number;
  /** writes the no-op start over reconciled Goals made */
  noopWrites: number;
  noopReconciles: number;
}

export interface SizeFigures {
  n: number;
  /** the ceiling's status patches/s, measured at the start of each contender's turn, one per round */
  ceiling: Record<ContenderName, number[]>;
  throughput: Record<ContenderName, Throughput[]>;
  latency: Record<ContenderName, Latency[]>;
  memory: Record<ContenderName, Memory[]>;
}

/** Every figure of one size, reduced to spreads. */
export function runtimeSpreads(f: SizeFigures) {
  const of = <T>(xs: T[], get: (x: T) => number) => spread(xs.map(get));
  // a p99 of every round's samples together, and each round's own
  const pooledP99 = (name: ContenderName, get: (l: Latency) => number[]) =>
    percentile(f.latency[name].flatMap(get), 99);
  const roundP99 = (name: ContenderName, get: (l: Latency) => number[]) =>
    of(f.latency[name], (l) => percentile(get(l), 99));
  const per = (name: ContenderName) => {
    const all = f.latency[name].flatMap((l) => l.latencies);
    return {
      perSecond: of(f.throughput[name], (t) => t.perSecond),
      coldStartMs: of(f.throughput[name], (t) => t.coldStartMs),
      requestsPerReconcile: of(f.throughput[name], (t) => t.requestsPerReconcile),
      cpuMsPerReconcile: of(f.throughput[name], (t) => t.cpuMsPerReconcile),
      apiserverCpuMsPerReconcile: of(f.throughput[name], (t) => t.apiserverCpuMsPerReconcile),
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      samples: all.length,
      missed: f.latency[name].reduce((s, l) => s + l.missed, 0),
      roundP99Ms: roundP99(name, (l) => l.latencies),
      deliveredP99Ms: pooledP99(name, (l) => l.deliveredMs),
      roundDeliveredP99Ms: roundP99(name, (l) => l.deliveredMs),
      reactedP99Ms: pooledP99(name, (l) => l.reactedMs),
      roundReactedP99Ms: roundP99(name, (l) => l.reactedMs),
      etcdCompactions: f.latency[name].map((l) =>
        l.etcdCompactions ? `${l.etcdCompactions} (${Math.round(l.etcdCompactionMs)} ms)` : '0',
      ),
      etcdCompactionCount: f.latency[name].reduce((s, l) => s + l.etcdCompactions, 0),
      eventLoopP99Ms: of(
        f.latency[name].filter((l) => l.eventLoopP99Ms !== undefined),
        (l) => l.eventLoopP99Ms as number,
      ),
      eventLoopMaxMs: of(
        f.latency[name].filter((l) => l.eventLoopMaxMs !== undefined),
        (l) => l.eventLoopMaxMs as number,
      ),
      gcPauseMaxMs: of(
        f.latency[name].filter((l) => l.gcPauseMaxMs !== undefined),
        (l) => l.gcPauseMaxMs as number,
      ),
      heapKbPerObject: of(f.memory[name], (m) => m.heapKbPerObject),
      rssKbPerObject: of(f.memory[name], (m) => m.rssKbPerObject),
      noopWrites: f.memory[name].reduce((s, m) => s + m.noopWrites, 0),
    };
  };
  const bosun = per('bosun');
  const cr = per('controller-runtime');
  const ratio = (num: number[], den: number[]) => spread(num.map((x, i) => x / (den[i] as number)));
  const rates = (name: ContenderName) => f.throughput[name].map((t) => t.perSecond);
  return {
    ceiling: spread([...f.ceiling.bosun, ...f.ceiling['controller-runtime']]),
    bosun,
    cr,
    vsCeiling: ratio(rates('bosun'), f.ceiling.bosun),
    crVsCeiling: ratio(rates('controller-runtime'), f.ceiling['controller-runtime']),
    vsControllerRuntime: ratio(rates('bosun'), rates('controller-runtime')),
  };
}

const ms = (s: Spread) => `${spreadText(s, 0)} ms`;

export function runtimeLines(f: SizeFigures): string[] {
  const s = runtimeSpreads(f);
  const rounds = f.ceiling.bosun.length;
  const who = (name: string, c: ReturnType<typeof runtimeSpreads>['bosun']) => [
    `${name}: ${spreadText(c.perSecond, 0)} reconciles/s; every Goal reconciled ${ms(c.coldStartMs)} after start; ` +
      `${spreadText(c.requestsPerReconcile, 2)} API requests per reconcile; CPU per reconcile: its own ` +
      `${spreadText(c.cpuMsPerReconcile, 3)} ms, the API server's ${spreadText(c.apiserverCpuMsPerReconcile, 3)} ms`,
    `${name} at 50 changes/s: p50 ${round(c.p50Ms)} ms, p99 ${round(c.p99Ms)} ms over ${c.samples} changes ` +
      `(missed ${c.missed}); p99 by round ${ms(c.roundP99Ms)}` +
      (c.eventLoopP99Ms.runs ? `; event-loop delay p99 ${spreadText(c.eventLoopP99Ms, 2)} ms` : '') +
      (c.eventLoopMaxMs.runs
        ? `, max ${spreadText(c.eventLoopMaxMs, 0)} ms; longest GC pause ${spreadText(c.gcPauseMaxMs, 0)} ms`
        : ''),
    `${name}'s changes split where the bench's watch saw the change itself: before (the API server alone) ` +
      `p99 ${round(c.deliveredP99Ms)} ms, by round ${ms(c.roundDeliveredP99Ms)}; after (the reaction) ` +
      `p99 ${round(c.reactedP99Ms)} ms, by round ${ms(c.roundReactedP99Ms)}; ` +
      `etcd compactions during each round's window: ${c.etcdCompactions.join(', ')}`,
    `${name} memory per cached object, after a full collection: heap ${spreadText(c.heapKbPerObject, 2)} KB, ` +
      `RSS ${spreadText(c.rssKbPerObject, 2)} KB; a no-op start wrote ${c.noopWrites} times`,
  ];
  return [
    `${f.n} Goals, median (min–max) of ${rounds} rounds, contenders interleaved:`,
    `ceiling: ${spreadText(s.ceiling, 0)} status patches/s (bare client, 64 in flight; at the start of each turn)`,
    ...who('bosun', s.bosun),
    ...who('controller-runtime', s.cr),
    `Bosun/ceiling ${spreadText(s.vsCeiling, 3)}, controller-runtime/ceiling ${spreadText(s.crVsCeiling, 3)}, ` +
      `Bosun/controller-runtime ${spreadText(s.vsControllerRuntime, 3)}, ` +
      `p99 Bosun/controller-runtime ${round(s.bosun.p99Ms / s.cr.p99Ms, 3)}`,
  ];
}

export function runtimeJson(f: SizeFigures): Record<string, number> {
  const s = runtimeSpreads(f);
  const who = (prefix: string, c: ReturnType<typeof runtimeSpreads>['bosun']) => ({
    ...spreadJson(`${prefix}reconciles_per_s`, c.perSecond),
    ...spreadJson(`${prefix}cold_start_ms`, c.coldStartMs, 0),
    ...spreadJson(`${prefix}api_requests_per_reconcile`, c.requestsPerReconcile, 3),
    ...spreadJson(`${prefix}cpu_ms_per_reconcile`, c.cpuMsPerReconcile, 3),
    ...spreadJson(`${prefix}apiserver_cpu_ms_per_reconcile`, c.apiserverCpuMsPerReconcile, 3),
    [`${prefix}p50_ms_at_50_per_s`]: round(c.p50Ms),
    [`${prefix}p99_ms_at_50_per_s`]: round(c.p99Ms),
    [`${prefix}latency_samples`]: c.samples,
    [`${prefix}latency_missed`]: c.missed,
    ...spreadJson(`${prefix}round_p99_ms_at_50_per_s`, c.roundP99Ms),
    [`${prefix}delivered_p99_ms_at_50_per_s`]: round(c.deliveredP99Ms),
    [`${prefix}reacted_p99_ms_at_50_per_s`]: round(c.reactedP99Ms),
    [`${prefix}latency_etcd_compactions`]: c.etcdCompactionCount,
    ...spreadJson(`${prefix}heap_kb_per_object`, c.heapKbPerObject, 2),
    ...spreadJson(`${prefix}rss_kb_per_object`, c.rssKbPerObject, 2),
    [`${prefix}noop_start_writes`]: c.noopWrites,
  });
  return {
    objects: f.n,
    rounds: f.ceiling.bosun.length,
    ...spreadJson('ceiling_patches_per_s', s.ceiling),
    ...who('bosun_', s.bosun),
    ...(s.bosun.eventLoopP99Ms.runs ? spreadJson('bosun_event_loop_delay_p99_ms', s.bosun.eventLoopP99Ms, 2) : {}),
    ...(s.bosun.eventLoopMaxMs.runs ? spreadJson('bosun_event_loop_delay_max_ms', s.bosun.eventLoopMaxMs, 0) : {}),
    ...(s.bosun.gcPauseMaxMs.runs ? spreadJson('bosun_gc_pause_max_ms', s.bosun.gcPauseMaxMs, 0) : {}),
    ...who('controller_runtime_', s.cr),
    ...spreadJson('ratio_vs_ceiling', s.vsCeiling, 3),
    ...spreadJson('controller_runtime_ratio_vs_ceiling', s.crVsCeiling, 3),
    ...spreadJson('ratio_vs_controller_runtime', s.vsControllerRuntime, 3),
    p99_ratio_vs_controller_runtime: round(s.bosun.p99Ms / s.cr.p99Ms, 3),
  };
}
