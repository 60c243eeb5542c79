// Model calls off the reconcile workers. A call takes as long as the provider
// takes (seconds, for a slow one); made inside a reconcile, it holds one of
// the controller's few workers for all that time, and a flood of model plans
// starves every other subject. So the reconcile starts the call here and returns;
// when the call is done its subject is enqueued, and the next reconcile takes the
// outcome (once: its usage goes to the subject's status exactly once). At most a
// few calls run at once (their evidence reads load the API server too); the
// rest wait their turn here, holding no worker. A result nobody takes is
// forgotten after a while. A restart loses calls in flight: the subject asks
// again, and every round already paid for was counted.
export const FORGET_AFTER_MS = 10 * 60_000;
export const MAX_CONCURRENT_CALLS = 8;

type Settled<T> = { ok: T } | { err: unknown };

interface Job<T> {
  settled?: Settled<T>;
  doneAt?: number;
}

export class ModelCalls<T> {
  private readonly jobs = new Map<string, Job<T>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(
    /** called with the subject's queue key when its call is done */
    private readonly onDone: (goalKey: string) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly maxConcurrent = MAX_CONCURRENT_CALLS,
  ) {}

  /** Starts `run` for `key` (now, or when a slot frees) unless a call for it is already running or done. */
  start(key: string, goalKey: string, run: () => Promise<T>): void {
    this.sweep();
    if (this.jobs.has(key)) return;
    const job: Job<T> = {};
    this.jobs.set(key, job);
    this.waiting.push(() => this.launch(job, goalKey, run));
    this.next();
  }

  private next(): void {
    while (this.running < this.maxConcurrent && this.waiting.length) {
      this.running++;
      this.waiting.shift()?.();
    }
  }

  private launch(job: Job<T>, goalKey: string, run: () => Promise<T>): void {
    void run()
      .then(
        (ok) => (job.settled = { ok }),
        (err: unknown) => (job.settled = { err }),
      )
      .finally(() => {
        job.doneAt = this.now();
        this.running--;
        this.next();
        this.onDone(goalKey);
      });
  }

  /** 'running', the outcome (taken: a second take finds nothing), or undefined when no call was started. */
  take(key: string): 'running' | Settled<T> | undefined {
    const job = this.jobs.get(key);
    if (!job) return undefined;
    if (!job.settled) return 'running';
    this.jobs.delete(key);
    return job.settled;
  }

  get size(): number {
    return this.jobs.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, job] of this.jobs)
      if (job.doneAt !== undefined && t - job.doneAt > FORGET_AFTER_MS) this.jobs.delete(k);
  }
}
