// Plain-text tables and ages for `kubectl bosun`, as kubectl prints them:
// columns padded with three spaces, every cell one line of cluster text with
// no terminal escape (shown), and ages in kubectl's short form (45s, 12m, 3h, 2d).
import { shown } from './describe.js';

/** Columns of cluster text, each cell on one line with no terminal escape. */
export function table(cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map(shown));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** How long before `now` a timestamp was, as kubectl's AGE column says it; `<unknown>` when it is not a time. */
export function age(at: string | undefined, now: Date): string {
  const t = at === undefined ? NaN : Date.parse(at);
  if (!Number.isFinite(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 3600 * 3) return `${Math.floor(s / 60)}m`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
