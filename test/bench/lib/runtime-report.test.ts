import { describe, expect, it } from 'vitest';
import { runtimeJson, runtimeLines, runtimeSpreads, type SizeFigures } from './runtime-report.js';

const t = (perSecond: number) => ({
  coldStartMs: 10_000 / perSecond,
  perSecond,
  requestsPerReconcile: 1,
  cpuMsPerReconcile: 100 / perSecond,
  apiserverCpuMsPerReconcile: 1000 / perSecond,
});
const lat = (base: number, eventLoopP99Ms?: number) => ({
  latencies: Array.from({ length: 100 }, (_, i) => base + i),
  slowestSentS: [1.9, 2] as [number, number],
  deliveredMs: Array.from({ length: 100 }, (_, i) => i / 10),
  reactedMs: Array.from({ length: 100 }, (_, i) => base + i - i / 10),
  missed: 0,
  etcdCompactions: base === 10 ? 1 : 0,
  etcdCompactionMs: base === 10 ? 120 : 0,
  ...(eventLoopP99Ms === undefined ? {} : { eventLoopP99Ms, eventLoopMaxMs: 40 + base, gcPauseMaxMs: 30 + base }),
});
const mem = (heapKbPerObject: number) => ({ heapKbPerObject, rssKbPerObject: 3, noopWrites: 0, noopReconciles: 10 });
const figures: SizeFigures = {
  n: 1000,
  ceiling: { bosun: [400, 500, 600], 'controller-runtime': [400, 400, 400] },
  throughput: { bosun: [t(380), t(450), t(300)], 'controller-runtime': [t(200), t(250), t(200)] },
  latency: { bosun: [lat(0, 1), lat(10, 3), lat(20, 2)], 'controller-runtime': [lat(100), lat(100), lat(100)] },
  memory: { bosun: [mem(1.5), mem(1.2), mem(1.9)], 'controller-runtime': [mem(2), mem(2), mem(2)] },
};

describe('runtime report', () => {
  it('takes each ratio within its round before the median', () => {
    const s = runtimeSpreads(figures);
    // rounds: 380/400 = 0.95, 450/500 = 0.9, 300/600 = 0.5
    expect(s.vsCeiling).toEqual({ median: 0.9, min: 0.5, max: 0.95, runs: 3 });
    // 1.9, 1.8, 1.5
    expect(s.vsControllerRuntime.median).toBeCloseTo(1.8);
  });
  it('pools every round’s latencies for the percentiles, and keeps each round’s p99 apart', () => {
    const s = runtimeSpreads(figures);
    expect(s.bosun.samples).toBe(300);
    expect(s.bosun.p99Ms).toBe(116); // the 297th of 300: 110…119 appear once, in the third round only
    expect(s.bosun.roundP99Ms).toEqual({ median: 108, min: 98, max: 118, runs: 3 });
    expect(s.bosun.eventLoopP99Ms.median).toBe(2);
    expect(s.cr.eventLoopP99Ms.runs).toBe(0);
  });
  it('prints the spreads and puts them in the JSON line', () => {
    const lines = runtimeLines(figures);
    expect(lines[0]).toBe('1000 Goals, median (min–max) of 3 rounds, contenders interleaved:');
    expect(lines.join('\n')).toContain(
      'event-loop delay p99 2 (1–3) ms, max 50 (40–60) ms; longest GC pause 40 (30–50) ms',
    );
    expect(lines.join('\n')).not.toMatch(/controller-runtime at .*event-loop/);
    expect(lines.join('\n')).toContain('controller-runtime/ceiling 0.5 (0.5–0.625)');
    expect(lines.join('\n')).toContain(
      'before (the API server alone) p99 9.8 ms, by round 10 (10–10) ms; after (the reaction) p99 106.4 ms, ' +
        "by round 98 (88–108) ms; etcd compactions during each round's window: 0, 1 (120 ms), 0",
    );
    const json = runtimeJson(figures);
    expect(json).toMatchObject({
      objects: 1000,
      rounds: 3,
      ceiling_patches_per_s: 400, // of both contenders' turns: 400, 500, 600, 400, 400, 400
      ceiling_patches_per_s_min: 400,
      ceiling_patches_per_s_max: 600,
      ratio_vs_ceiling: 0.9,
      controller_runtime_ratio_vs_ceiling: 0.5, // 200/400, 250/400, 200/400
      bosun_heap_kb_per_object: 1.5,
      bosun_heap_kb_per_object_max: 1.9,
      bosun_event_loop_delay_p99_ms: 2,
      bosun_gc_pause_max_ms: 40,
      bosun_gc_pause_max_ms_max: 50,
      controller_runtime_latency_samples: 300,
      bosun_delivered_p99_ms_at_50_per_s: 9.8,
      bosun_cpu_ms_per_reconcile: 0.263, // 100/380
      bosun_apiserver_cpu_ms_per_reconcile_max: 3.333, // 1000/300
      bosun_latency_etcd_compactions: 1,
    });
    expect(json).not.toHaveProperty('controller_runtime_event_loop_delay_p99_ms');
  });
});
