// A per-provider request rate limit (ModelProvider spec.rateLimits): a token
// bucket refilled continuously; a call waits for a token instead of failing.
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  /** Resolves when a request may go; returns how long it waited (ms). */
  async take(): Promise<number> {
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) / 60_000) * this.perMinute);
    this.last = t;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = Math.ceil((-this.tokens / this.perMinute) * 60_000);
    await this.sleep(wait);
    return wait;
  }
}

const limiters = new Map<string, RateLimiter>();

/** One limiter per provider endpoint and limit, shared by every Goal in the process. */
export function limiterFor(key: string, perMinute: number): RateLimiter {
  const k = `${key}#${perMinute}`;
  let l = limiters.get(k);
  if (!l) limiters.set(k, (l = new RateLimiter(perMinute)));
  return l;
}
