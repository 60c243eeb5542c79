// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it:
// acquire when the lease is free or its holder has not renewed within the
// lease duration (measured on our own clock from when we last saw the record
// change, so clock skew between replicas does not matter); renew every retry
// period; give up leadership when renewals fail for the renew deadline; on
// shutdown release the lease so a standby takes over at once.
// Leadership itself is not a flag the loop clears: it holds only while the
// monotonic clock says the renew deadline has not passed since the start of
// the last successful renewal. A process paused (SIGSTOP, a long GC, a frozen
// VM) for longer than that sees isLeader false on resume, before any I/O.
import { hasCode, errorMessage } from '../api/errors.js';
import { microTimestamp } from '../api/v1alpha1/common.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from '../kube/client.js';
import { core } from '../kube/resources.js';
import type { Logger } from '../telemetry/logger.js';
import { sleep } from './backoff.js';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** a monotonic clock in ms (default performance.now): tests inject their own */
  monotonicNow?: () => number;
  log: Logger;
  onStartedLeading(): void;
  /** leadership was lost (not released): stop acting at once */
  onStoppedLeading(): void;
}

/** What a replica may do with the lease it sees. Pure; `observedAt` is our clock's time of the last change we saw. */
export function leaseDecision(
  spec: LeaseSpec | undefined,
  me: string,
  observedAt: number,
  now: number,
  leaseDurationMs: number,
): 'take' | 'renew' | 'wait' {
  const holder = spec?.holderIdentity ?? '';
  if (holder === me) return 'renew';
  if (!holder) return 'take';
  return now - observedAt >= leaseDurationMs ? 'take' : 'wait';
}

/**
 * When we saw the holder last renew. Our own clock's "now" at the first poll
 * that saw the new record, unless the record's renewTime lies within the last
 * retry period on our clock: then the renewal happened at renewTime, and
 * using it removes up to one poll interval of lag from the takeover. A holder
 * whose clock runs behind can make us take over at most one retry period
 * early, which the gap between renew deadline (10 s) and lease duration
 * (15 s) absorbs: the old leader has stopped acting by then.
 */
export function observedAt(spec: LeaseSpec | undefined, now: number, retryMs: number): number {
  const renewed = spec?.renewTime ? Date.parse(spec.renewTime) : NaN;
  return Number.isFinite(renewed) && renewed <= now && now - renewed <= retryMs ? renewed : now;
}

/** Whether a lease renewed (request sent) at `renewedAt` still makes us leader at `now`, both monotonic. */
export const leadershipHolds = (renewedAt: number, now: number, renewDeadlineMs: number): boolean =>
  now - renewedAt < renewDeadlineMs;

const microTime = (ms: number) => microTimestamp(new Date(ms));

export class LeaderElector {
  private leading = false;
  private observed: { rv?: string; at: number } = { at: 0 };
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private transitions = 0;
  private readonly mono: () => number;
  /** monotonic time at which the last successful acquire or renew request was sent */
  private renewedAt = -Infinity;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    this.mono = opts.monotonicNow ?? (() => performance.now());
  }

  /** True only while the renew deadline has not passed since the last successful renewal: ask right before acting. */
  get isLeader(): boolean {
    return this.leading && leadershipHolds(this.renewedAt, this.mono(), this.renewDeadlineMs);
  }

  /** The lease's transition count while we lead: a fencing token for side effects. */
  get fencingToken(): number {
    return this.transitions;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; releases the lease if we hold it. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
    if (this.leading) {
      this.leading = false;
      await this.release();
    }
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      if (this.leading && !leadershipHolds(this.renewedAt, this.mono(), this.renewDeadlineMs)) {
        // the deadline passed while we could not even try (a pause): another replica may have acted since
        this.lose('the renew deadline passed before the next renewal (was the process paused?)');
        break;
      }
      const sentAt = this.mono();
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (err) {
        this.opts.log.warn({ err: errorMessage(err) }, 'leader election: lease request failed');
      }
      if (stop.aborted) break;
      if (ok) {
        this.renewedAt = sentAt;
        if (!this.leading) {
          this.leading = true;
          this.opts.log.info(
            { lease: `${this.opts.namespace}/${this.opts.name}`, identity: this.opts.identity },
            'became leader',
          );
          this.opts.onStartedLeading();
        }
      } else if (this.leading && !leadershipHolds(this.renewedAt, this.mono(), this.renewDeadlineMs)) {
        this.lose('could not renew the lease in time');
        break;
      }
      // jitter the wait a little so replicas do not move in step
      await sleep(this.retryMs * (this.leading ? 1 : 1 + Math.random() * 0.2), stop);
    }
  }

  /** Leadership was lost: it is never taken back by this elector (the process restarts clean). */
  private lose(why: string): void {
    this.leading = false;
    this.opts.log.error({ renewDeadlineMs: this.renewDeadlineMs }, `lost leadership: ${why}`);
    this.opts.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.opts;
    const now = Date.now();
    const lease = await client.tryGet<Lease>(core.leases, namespace, name);
    const spec: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(this.leaseMs / 1000),
      renewTime: microTime(now),
    };
    if (!lease) {
      try {
        await client.create(core.leases, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        });
      } catch (err) {
        if (hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) return false; // someone else created it first
        throw err;
      }
      this.transitions = 0;
      this.observed = { at: now };
      return true;
    }
    if (lease.metadata.resourceVersion !== this.observed.rv)
      this.observed = { rv: lease.metadata.resourceVersion, at: observedAt(lease.spec, now, this.retryMs) };
    const decision = leaseDecision(lease.spec, identity, this.observed.at, now, this.leaseMs);
    if (decision === 'wait') return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (decision === 'take' ? 1 : 0);
    const patch = decision === 'take' ? { ...spec, acquireTime: microTime(now), leaseTransitions: transitions } : spec;
    try {
      const updated = await client.patch(
        core.leases,
        namespace,
        name,
        { spec: patch },
        { resourceVersion: lease.metadata.resourceVersion },
      );
      this.observed = { rv: updated.metadata.resourceVersion, at: now };
      this.transitions = transitions;
      return true;
    } catch (err) {
      if (hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) return false;
      throw err;
    }
  }

  private async release(): Promise<void> {
    const { client, namespace, name, identity, log } = this.opts;
    try {
      const lease = await client.tryGet<Lease>(core.leases, namespace, name);
      if (!lease || lease.spec?.holderIdentity !== identity) return;
      await client.patch(
        core.leases,
        namespace,
        name,
        { spec: { holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(Date.now()) } },
        {
          resourceVersion: lease.metadata.resourceVersion,
        },
      );
      log.info({ lease: `${namespace}/${name}` }, 'released the leader lease');
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'could not release the leader lease; a standby takes over when it expires');
    }
  }
}
