// A keyed, deduplicating work queue in the manner of client-go's workqueue:
// one entry per key however often it is added, never two workers on one key
// (a key added while it is being processed runs again once it is done),
// per-key exponential backoff for failures, a global token bucket on top, and
// delayed adds for requeueAfter.
import { realClock, type Clock } from './clock.js';

export interface QueueObserver {
  depth(n: number): void;
  waited(seconds: number): void;
  retried(): void;
}

export interface QueueOptions {
  clock?: Clock;
  /** first per-key backoff (ms); doubles per failure */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** global token bucket for rate-limited adds */
  qps?: number;
  burst?: number;
  observer?: QueueObserver;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly addedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; cancel(): void }>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private tokens: number;
  private lastRefill: number;
  private readonly clock: Clock;
  private readonly o: Required<Omit<QueueOptions, 'clock' | 'observer'>>;

  constructor(private readonly opts: QueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.o = {
      baseDelayMs: opts.baseDelayMs ?? 5,
      maxDelayMs: opts.maxDelayMs ?? 1_000_000,
      qps: opts.qps ?? 10,
      burst: opts.burst ?? 100,
    };
    this.tokens = this.o.burst;
    this.lastRefill = this.clock.now();
  }

  get length(): number {
    return this.queue.length;
  }

  /** Adds a key now. A key already waiting is not added twice. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return; // re-queued by done()
    this.push(key);
  }

  /** Adds a key after `ms`; an earlier pending delayed add for the key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, cancel: timer.cancel });
  }

  /** Adds a key after its backoff: per-key exponential, and no faster than the global bucket allows. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.opts.observer?.retried();
    const perKey = Math.min(this.o.baseDelayMs * 2 ** n, this.o.maxDelayMs);
    this.addAfter(key, Math.max(perKey, this.bucketDelay()));
  }

  /** Failures recorded for a key since its last forget(). */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clears a key's backoff after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Waits for the next key; undefined once the queue is shut down and drained. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key's processing finished; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
  }

  /** Stops handing out keys: waiting get() calls resolve undefined; in-flight keys may still call done(). */
  shutdown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
    this.opts.observer?.depth(0);
  }

  private push(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queue.push(key);
      waiter(this.take());
      return;
    }
    this.queue.push(key);
    this.opts.observer?.depth(this.queue.length);
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    const at = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (at !== undefined) this.opts.observer?.waited((this.clock.now() - at) / 1000);
    this.opts.observer?.depth(this.queue.length);
    return key;
  }

  /** Milliseconds until the global bucket has a token for one more rate-limited add (and takes it). */
  private bucketDelay(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.o.qps);
    this.lastRefill = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.o.qps) * 1000);
  }
}
