// A controller: N workers taking keys from a WorkQueue and reconciling them.
// A reconcile returns a Result ({ requeueAfter }) or throws: a TerminalError is
// recorded and not retried; any other error backs off per key. Errors that are
// not BosunErrors are bugs ("panics"): caught, logged with their stack,
// counted, retried, and never allowed to end the process.
import { BosunError, errorMessage } from '../api/errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { WorkQueue } from './queue.js';

export interface Result {
  /** reconcile this key again after this many milliseconds */
  requeueAfter?: number;
}

/** A failure that retrying cannot fix; the reconciler records it on the resource first. */
export class TerminalError extends BosunError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('BOSUN_ERR_TERMINAL', detail, options);
    this.name = 'TerminalError';
  }
}

export type Reconcile = (key: string) => Promise<Result | void>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconcile;
  workers?: number;
  log: Logger;
  metrics: Metrics;
  queue?: WorkQueue;
}

export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal' | 'panic';

export class Controller {
  readonly queue: WorkQueue;
  private workers: Promise<void>[] = [];
  private inFlight = 0;

  constructor(private readonly opts: ControllerOptions) {
    const { metrics, name } = opts;
    this.queue =
      opts.queue ??
      new WorkQueue({
        observer: {
          depth: (n) => metrics.queueDepth.set({ name }, n),
          waited: (s) => metrics.queueWait.observe({ name }, s),
          retried: () => metrics.queueRetries.inc({ name }),
        },
      });
  }

  get name(): string {
    return this.opts.name;
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  start(): void {
    if (this.workers.length) return;
    for (let i = 0; i < (this.opts.workers ?? 4); i++) this.workers.push(this.work());
  }

  /** Stops taking work and waits up to `timeoutMs` for in-flight reconciles; returns how many were still running. */
  async stop(timeoutMs = 10_000): Promise<number> {
    this.queue.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.all(this.workers), timeout]);
    clearTimeout(timer);
    return this.inFlight;
  }

  /** Runs one key through the reconcile and classifies the outcome (exported for tests). */
  async processOne(key: string): Promise<ReconcileOutcome> {
    const { name, log, metrics } = this.opts;
    const end = metrics.reconcileDuration.startTimer({ controller: name });
    let outcome: ReconcileOutcome;
    try {
      const result = await this.opts.reconcile(key);
      this.queue.forget(key);
      if (result?.requeueAfter && result.requeueAfter > 0) {
        this.queue.addAfter(key, result.requeueAfter);
        outcome = 'requeue';
      } else {
        outcome = 'success';
      }
    } catch (err) {
      if (err instanceof TerminalError) {
        this.queue.forget(key);
        log.error({ key, err: errorMessage(err) }, 'reconcile failed for good; not retrying');
        outcome = 'terminal';
      } else {
        this.queue.addRateLimited(key);
        const retries = this.queue.retries(key);
        if (err instanceof BosunError) {
          log.warn({ key, err: errorMessage(err), retries }, 'reconcile failed; retrying with backoff');
          outcome = 'error';
        } else {
          log.error(
            { key, err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined, retries },
            'reconcile threw unexpectedly (a bug); retrying with backoff',
          );
          outcome = 'panic';
        }
      }
    } finally {
      end();
    }
    metrics.reconcileTotal.inc({ controller: name, result: outcome });
    return outcome;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.inFlight += 1;
      try {
        await this.processOne(key);
      } finally {
        this.inFlight -= 1;
        this.queue.done(key);
      }
    }
  }
}
