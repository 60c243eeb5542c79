// The operator-growth bench's figures, the straight line through them and
// how run.ts prints them. Pure.
import { round } from './stats.js';

/** One start of the operator over `goals` finished Goals. */
export interface GrowthRow {
  goals: number;
  /** process spawn → /readyz answers ok */
  readyMs: number;
  /** process spawn → every Goal reconciled once and the queue empty */
  checkedMs: number;
  /** V8 heap used after a full collection (nodejs_heap_size_used_bytes) */
  heapBytes: number;
  /** resident set (process_resident_memory_bytes), after the same collection */
  rssBytes: number;
  /** reconciles the operator counted by then (one per Goal is the least) */
  reconciles: number;
  /** the time the bench took to create this size's new Goals, with their status and record */
  createMs: number;
}

export interface GrowthFigures {
  /** the same operator over the same namespace with no Goal */
  baseline: GrowthRow;
  rows: GrowthRow[];
  /** the size the line is projected to */
  projectTo: number;
  /** the API server's resident set at the end, in bytes (when it could be read) */
  apiserverRssBytes?: number;
  /** Bosun's etcd's and the cluster etcd's database sizes at the end, in bytes (when they could be read) */
  etcdDbBytes?: number;
}

/** The least-squares line y = a + b·x through the points; NaN for fewer than two distinct x. */
export function leastSquares(points: readonly { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  if (!n || !sxx) return { a: NaN, b: NaN };
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

const at = (line: { a: number; b: number }, x: number) => line.a + line.b * x;

/** What a row measures above the baseline: heap and RSS in bytes, and the times. */
const measures = {
  heap: (r: GrowthRow, base: GrowthRow) => r.heapBytes - base.heapBytes,
  rss: (r: GrowthRow, base: GrowthRow) => r.rssBytes - base.rssBytes,
  ready: (r: GrowthRow) => r.readyMs,
  checked: (r: GrowthRow) => r.checkedMs,
};
type Measure = keyof typeof measures;

/** Each measure's line through the sizes, and its value at `projectTo`. */
export function projection(f: GrowthFigures): Record<Measure, { a: number; b: number; projected: number }> {
  const out = {} as Record<Measure, { a: number; b: number; projected: number }>;
  for (const k of Object.keys(measures) as Measure[]) {
    const line = leastSquares(f.rows.map((r) => ({ x: r.goals, y: measures[k](r, f.baseline) })));
    out[k] = { ...line, projected: at(line, f.projectTo) };
  }
  return out;
}

const mb = (bytes: number) => `${round(bytes / 2 ** 20, 1)} MB`;
const kbPer = (bytes: number, n: number) => `${round(bytes / 1024 / n, 2)} KB`;
const s = (ms: number) => `${round(ms / 1000, 2)} s`;

/** One size's line: its times, and its heap and RSS above the baseline, in all and per Goal. */
export function growthRowLine(r: GrowthRow, b: GrowthRow): string {
  const heap = r.heapBytes - b.heapBytes;
  const rss = r.rssBytes - b.rssBytes;
  return (
    `  ${r.goals} Goals: ready ${s(r.readyMs)}, every Goal checked ${s(r.checkedMs)} (${r.reconciles} reconciles); ` +
    `heap +${mb(heap)} (${kbPer(heap, r.goals)}/Goal), RSS +${mb(rss)} (${kbPer(rss, r.goals)}/Goal); ` +
    `created in ${s(r.createMs)}`
  );
}

/** The phase's lines, as run.ts prints them: one per size, then the projection. */
export function growthLines(f: GrowthFigures): string[] {
  const b = f.baseline;
  const lines = [
    `growth: the operator over N finished Goals (heap after a full gc, RSS; each less the same process with none)`,
    `  0 Goals (baseline): ready ${s(b.readyMs)}, heap ${mb(b.heapBytes)}, RSS ${mb(b.rssBytes)}`,
  ];
  for (const r of f.rows) lines.push(growthRowLine(r, b));
  if (f.rows.length >= 2) {
    const p = projection(f);
    lines.push(
      `  projected at ${f.projectTo} (a linear extrapolation, least squares through the ${f.rows.length} sizes): ` +
        `heap +${mb(p.heap.projected)}, RSS +${mb(p.rss.projected)}, ready ${s(p.ready.projected)}, ` +
        `every Goal checked ${s(p.checked.projected)}; slope ${kbPer(p.heap.b, 1)} heap and ${kbPer(p.rss.b, 1)} ` +
        `RSS per Goal, ${round(p.checked.b * 1000, 1)} µs per Goal to check`,
    );
  }
  if (f.apiserverRssBytes !== undefined) lines.push(`  the API server's RSS at the end: ${mb(f.apiserverRssBytes)}`);
  if (f.etcdDbBytes !== undefined) lines.push(`  the cluster's etcd database at the end: ${mb(f.etcdDbBytes)}`);
  return lines;
}

/** The figures for run.ts's JSON line. */
export function growthJson(f: GrowthFigures): Record<string, unknown> {
  const json: Record<string, unknown> = {
    growth_baseline_heap_bytes: f.baseline.heapBytes,
    growth_baseline_rss_bytes: f.baseline.rssBytes,
  };
  for (const r of f.rows) {
    const p = `growth_${r.goals}`;
    json[`${p}_ready_ms`] = round(r.readyMs);
    json[`${p}_checked_ms`] = round(r.checkedMs);
    json[`${p}_heap_kb_per_goal`] = round((r.heapBytes - f.baseline.heapBytes) / 1024 / r.goals, 3);
    json[`${p}_rss_kb_per_goal`] = round((r.rssBytes - f.baseline.rssBytes) / 1024 / r.goals, 3);
  }
  if (f.rows.length >= 2) {
    const p = projection(f);
    const q = `growth_projected_${f.projectTo}`;
    json[`${q}_heap_mb`] = round(p.heap.projected / 2 ** 20, 1);
    json[`${q}_rss_mb`] = round(p.rss.projected / 2 ** 20, 1);
    json[`${q}_ready_ms`] = round(p.ready.projected);
    json[`${q}_checked_ms`] = round(p.checked.projected);
  }
  if (f.apiserverRssBytes !== undefined) json.growth_apiserver_rss_bytes = f.apiserverRssBytes;
  return json;
}
