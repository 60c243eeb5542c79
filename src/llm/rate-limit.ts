// Per-provider rate limits (ModelProvider spec.rateLimits), as token buckets
// refilled continuously: one for tokens a minute, one for requests a minute
// (a call takes one). Neither ever sleeps: a call that does not fit is not
// made; the caller is told how long to wait, and requeues the Goal instead of
// holding a reconcile worker (a slow provider must not starve other Goals).
/** ceil(chars / 4): close enough to every provider's tokenizer for English and JSON, and cheap. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export class TokenRateLimiter {
  private available: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.perMinute, this.available + (Math.max(0, t - this.last) / 60_000) * this.perMinute);
    this.last = t;
  }

  /**
   * Takes `estimate` tokens if the minute has room for them: returns 0. Otherwise takes nothing and
   * returns how long to wait (ms) before trying again. A prompt larger than a whole minute's tokens
   * goes once the bucket is full, rather than never.
   */
  tryTake(estimate: number): number {
    this.refill();
    const need = Math.min(estimate, this.perMinute);
    if (this.available >= need) {
      this.available -= estimate;
      return 0;
    }
    return Math.ceil(((need - this.available) / this.perMinute) * 60_000 - 1e-6); // - 1e-6: float dust
  }

  /** Takes `n` without asking: the repair rounds of a call already let through (at most two), counted after all. */
  force(n = 1): void {
    this.refill();
    this.available -= n;
  }

  /** After the call: what the provider reported replaces the estimate (more used: the next call waits longer). */
  settle(estimate: number, used: number): void {
    this.refill();
    this.available = Math.min(this.perMinute, this.available + estimate - used);
  }
}

const limiters = new Map<string, TokenRateLimiter>();
const tokenLimiters = new Map<string, TokenRateLimiter>();

/** One token limiter per provider endpoint and limit, shared by every Goal in the process. */
export function tokenLimiterFor(key: string, perMinute: number): TokenRateLimiter {
  const k = `${key}#${perMinute}`;
  let l = tokenLimiters.get(k);
  if (!l) tokenLimiters.set(k, (l = new TokenRateLimiter(perMinute)));
  return l;
}

/** One requests-a-minute limiter per provider endpoint and limit (a bucket of requests: one token a call). */
export function limiterFor(key: string, perMinute: number): TokenRateLimiter {
  const k = `${key}#${perMinute}`;
  let l = limiters.get(k);
  if (!l) limiters.set(k, (l = new TokenRateLimiter(perMinute)));
  return l;
}
