// Small statistics helpers for benchmark figures.
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Nearest-rank p50 and p99, with the extremes, of `values` (NaN for each when there are none). */
export function summary(values: number[]): { n: number; min: number; p50: number; p99: number; max: number } {
  return {
    n: values.length,
    min: values.length ? Math.min(...values) : NaN,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** The median of `values` (the mean of the middle two for an even count; NaN for none). */
export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A figure measured several times: its median, with the least and the most it was. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
    runs: values.length,
  };
}

/** `12.3 (11.8–13.0)`: a spread as it is printed. */
export const spreadText = (s: Spread, digits = 1) =>
  `${round(s.median, digits)} (${round(s.min, digits)}–${round(s.max, digits)})`;

/** A spread's fields for the JSON line: `key` is the median, `key_min` and `key_max` the extremes. */
export const spreadJson = (key: string, s: Spread, digits = 1): Record<string, number> => ({
  [key]: round(s.median, digits),
  [`${key}_min`]: round(s.min, digits),
  [`${key}_max`]: round(s.max, digits),
});

/**
 * `run(i)` for i = 0 … repeats − 1, each round running every contender in turn, the order reversed every other
 * round (A B, B A, A B …): neither contender always runs first after the set-up or right after the other.
 */
export async function interleave<K extends string, T>(
  contenders: readonly K[],
  repeats: number,
  run: (contender: K, round: number) => Promise<T>,
): Promise<Record<K, T[]>> {
  const results = Object.fromEntries(contenders.map((c) => [c, [] as T[]])) as Record<K, T[]>;
  for (let r = 0; r < repeats; r++)
    for (const c of r % 2 ? [...contenders].reverse() : contenders) results[c].push(await run(c, r));
  return results;
}
