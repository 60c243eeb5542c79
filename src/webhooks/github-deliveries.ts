// The GitHub deliveries Bosun acted on, by X-GitHub-Delivery id, in Bosun's
// etcd (versioned records, create-only): a delivery recorded is a replay. A
// delivery is recorded only after its runs were created (or found): GitHub
// redelivers with the same id, so one recorded first and lost in a crash
// before its runs would be a push lost. Records older than three days are
// pruned, by each replica at most once an hour, each at the version it read.
import { z } from 'zod';
import type { StateStore } from '../store/state-store.js';

export const DELIVERIES_PREFIX = 'github/deliveries/';
export const DELIVERY_TTL_MS = 3 * 24 * 3600_000;
export const PRUNE_EVERY_MS = 3600_000;

export type DeliveryStore = Pick<StateStore, 'getRecord' | 'casRecord' | 'listRecords' | 'deleteRecord'>;

export const DeliveryRecord = z.object({
  at: z.string(),
  repository: z.string().max(256),
  /** namespace/name of the runs it created or found */
  runs: z.array(z.string().max(320)).max(100),
});
export type DeliveryRecord = z.infer<typeof DeliveryRecord>;

const keyOf = (id: string) => `${DELIVERIES_PREFIX}${id}`;

export class GitHubDeliveries {
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: DeliveryStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether the delivery was recorded (acted on) before. */
  async seen(id: string): Promise<boolean> {
    return (await this.store.getRecord(keyOf(id))) !== undefined;
  }

  /** Records a delivery; false when another request recorded it first (both found the same runs). */
  record(id: string, record: Omit<DeliveryRecord, 'at'>): Promise<boolean> {
    const value: DeliveryRecord = { at: this.now().toISOString(), ...record };
    return this.store.casRecord(keyOf(id), 0, JSON.stringify(DeliveryRecord.parse(value)));
  }

  /**
   * Forgets the deliveries recorded more than DELIVERY_TTL_MS ago (a record that does not parse, too), at most
   * once per PRUNE_EVERY_MS: a later call in between does nothing. Returns how many it deleted.
   */
  async prune(): Promise<number> {
    const now = this.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return 0;
    this.lastPrune = now;
    let pruned = 0;
    for (const r of await this.store.listRecords(DELIVERIES_PREFIX)) {
      const at = Date.parse(DeliveryRecord.safeParse(safeJson(r.value)).data?.at ?? '');
      if (Number.isFinite(at) && now - at <= DELIVERY_TTL_MS) continue;
      // at the version read: a record written again since is not deleted
      if (await this.store.deleteRecord(r.key, r.version)) pruned++;
    }
    return pruned;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
