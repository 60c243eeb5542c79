// The etcd connection a StateStore writes through (etcd-store.ts): every
// operation is retried with backoff while etcd is unreachable; past the retry
// budget it throws BOSUN_ERR_STORE_UNAVAILABLE and the caller's reconcile
// retries later. Fencing: a leader claims a new epoch (a counter kept in this
// etcd, increased at each takeover) before it acts; from then on every write
// is a transaction conditioned on the counter still holding that epoch, so a
// deposed leader's write fails with BOSUN_ERR_FENCED instead of landing. Until
// an epoch is claimed (the CLI, tests) writes are not fenced.
import { noop } from 'cockatiel';
import { Etcd3, type ComparatorBuilder, type IOperation } from 'etcd3';
import { BosunError, errorMessage } from '../api/errors.js';
import { tlsHint, type EtcdCredentials } from './etcd-tls.js';
import { epochKey } from './state-store.js';

export interface StoreObserver {
  op(op: string, result: 'ok' | 'retry' | 'error', seconds?: number): void;
  /** etcd became unreachable (false) or reachable again (true) */
  availability?(available: boolean): void;
  /** a write was refused: a newer leader has claimed epoch `current` since we claimed `mine` */
  fenced?(op: string, mine: number, current: number): void;
}

export interface EtcdStoreOptions {
  endpoints: string[];
  /** TLS: the CA that verifies etcd, and the client certificate and key when etcd asks for one (etcd-tls.ts) */
  credentials?: EtcdCredentials;
  /** total time one operation keeps retrying before it gives up */
  retryBudgetMs?: number;
  observer?: StoreObserver;
}

/** One etcd client with Bosun's retry budget and fencing epoch. */
export class EtcdSession {
  readonly client: Etcd3;
  private available = true;
  private epoch: number | undefined;

  constructor(private readonly opts: EtcdStoreOptions) {
    this.client = new Etcd3({
      hosts: opts.endpoints,
      ...(opts.credentials && { credentials: opts.credentials }),
      dialTimeout: 2000,
      // retries are ours (below), with a budget; the client only fails fast
      faultHandling: {
        global: noop,
        host: () => noop,
      },
      defaultCallOptions: () => ({ deadline: Date.now() + 5000 }),
    });
  }

  /** Runs `fn`, again with backoff while etcd does not answer, for at most the retry budget. */
  async run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const budget = this.opts.retryBudgetMs ?? 5000;
    const started = performance.now();
    let delay = 50;
    for (;;) {
      try {
        const value = await fn();
        this.opts.observer?.op(op, 'ok', (performance.now() - started) / 1000);
        this.setAvailable(true);
        return value;
      } catch (err) {
        const elapsed = performance.now() - started;
        if (err instanceof BosunError || elapsed + delay > budget) {
          this.opts.observer?.op(op, 'error', elapsed / 1000);
          if (err instanceof BosunError) throw err;
          this.setAvailable(false);
          throw new BosunError(
            'BOSUN_ERR_STORE_UNAVAILABLE',
            `${op}: etcd unreachable for ${Math.round(elapsed)} ms: ${errorMessage(err)}${tlsHint(err)}`,
            { cause: err },
          );
        }
        this.opts.observer?.op(op, 'retry');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /**
   * Claims the next fencing epoch for this writer (at each takeover, before
   * any write): every later write of a writer holding an older epoch fails.
   */
  claimEpoch(): Promise<number> {
    return this.run('claimEpoch', async () => {
      for (;;) {
        const kv = (await this.client.get(epochKey).exec()).kvs[0];
        const next = Number(kv?.value.toString() ?? 0) + 1;
        const txn = await this.client
          .if(epochKey, 'Mod', '==', kv ? kv.mod_revision : 0)
          .then(this.client.put(epochKey).value(String(next)))
          .commit();
        if (txn.succeeded) return (this.epoch = next);
      }
    });
  }

  /** The epoch this writer claimed, if any. */
  get fencingEpoch(): number | undefined {
    return this.epoch;
  }

  /** A transaction whose first condition is our epoch (or, unclaimed, one that always holds). */
  private txn(): ComparatorBuilder {
    return this.epoch === undefined
      ? this.client.if(epochKey, 'Version', '>', -1)
      : this.client.if(epochKey, 'Value', '==', String(this.epoch));
  }

  /** A write transaction: `guards` beside the epoch; `orElse` read back when it fails (the epoch is read last). */
  async commit(
    op: string,
    guards: (c: ComparatorBuilder) => ComparatorBuilder,
    then: IOperation[],
    orElse: IOperation[] = [],
  ): ReturnType<ComparatorBuilder['commit']> {
    const res = await guards(this.txn())
      .then(...then)
      .else(...orElse, this.client.get(epochKey))
      .commit();
    if (res.succeeded || this.epoch === undefined) return res;
    const current = Number(res.responses[orElse.length]?.response_range?.kvs[0]?.value.toString() ?? 0);
    if (current !== this.epoch) {
      this.opts.observer?.fenced?.(op, this.epoch, current);
      throw new BosunError(
        'BOSUN_ERR_FENCED',
        `${op}: this writer holds fencing epoch ${this.epoch}, the current leader ${current}: write not made`,
      );
    }
    return res;
  }

  private setAvailable(available: boolean): void {
    if (available === this.available) return;
    this.available = available;
    this.opts.observer?.availability?.(available);
  }

  close(): void {
    this.client.close();
  }
}
