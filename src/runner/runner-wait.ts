// Waiting, for the runner's loops: a sleep that an abort ends early, and the backoff between
// attempts at a request the operator did not answer.

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface Backoff {
  /** the first wait (default 500 ms) */
  initialMs: number;
  /** the longest wait (default 30 s) */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000 };

/**
 * The wait before attempt `attempt + 1`: doubling from initialMs up to maxMs, with the upper half
 * jittered so that runners cut off together do not all come back in the same instant.
 */
export function backoffMs(b: Backoff, attempt: number, random: () => number = Math.random): number {
  const d = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return d / 2 + (random() * d) / 2;
}
