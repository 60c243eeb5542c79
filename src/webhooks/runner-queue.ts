// The runners' work queue, in Bosun's etcd: one record per stage attempt, and
// one per registered runner. A stage attempt is queued once (by its id), taken
// by one runner (a compare-and-swap on the record's version), started and
// finished by that runner alone, and given up when its runner stops answering.
// A report of an attempt given up, cancelled or taken by another runner
// changes nothing. Every replica's endpoints and the leader's stage backend
// meet here; the record's version settles every race between them.
import { z } from 'zod';
import { Report, RunnerName, WorkItem } from '../runner/protocol.js';
import type { StateStore } from '../store/state-store.js';

export const WORK = 'runner/work/';
export const RUNNERS = 'runner/runners/';

/** A runner that has not been heard from for this long has lost what it was running. */
export const HEARTBEAT_SECONDS = 10;
export const LOST_AFTER_MS = 4 * HEARTBEAT_SECONDS * 1000;

export const WorkState = z.enum(['queued', 'claimed', 'started', 'finished', 'cancelled', 'lost']);
export type WorkState = z.infer<typeof WorkState>;

export const WorkRecord = z.object({
  item: WorkItem,
  state: WorkState,
  queuedAt: z.string(),
  runner: RunnerName.optional(),
  claimedAt: z.string().optional(),
  startedAt: z.string().optional(),
  /** the run asked to stop it: the runner is told at its next heartbeat */
  cancel: z.boolean().optional(),
  /** the finished report, as the runner sent it */
  report: Report.optional(),
  /** why it ended without a report (cancelled before a runner took it, its runner lost) */
  reason: z.string().max(1024).optional(),
});
export type WorkRecord = z.infer<typeof WorkRecord>;

export const RunnerRecord = z.object({
  name: RunnerName,
  capacity: z.int().min(1),
  version: z.string().max(64),
  registeredAt: z.string(),
  lastSeen: z.string(),
});
export type RunnerRecord = z.infer<typeof RunnerRecord>;

type Store = Pick<StateStore, 'getRecord' | 'casRecord' | 'listRecords'>;

/** Why a runner's request changes nothing (the endpoint answers 409 with it). */
export interface QueueRefusal {
  reason: 'NotYours' | 'NotRegistered' | 'Gone';
  message: string;
}

const TERMINAL: ReadonlySet<WorkState> = new Set(['finished', 'cancelled', 'lost']);

export class RunnerQueue {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(id: string): Promise<{ record: WorkRecord; version: number } | undefined> {
    const r = await this.store.getRecord(`${WORK}${id}`);
    return r && { record: WorkRecord.parse(JSON.parse(r.value)), version: r.version };
  }

  /** Changes a record with `change` (undefined: leave it) until no one else changed it meanwhile. */
  private async update(
    id: string,
    change: (record: WorkRecord) => WorkRecord | undefined,
  ): Promise<WorkRecord | undefined> {
    for (;;) {
      const got = await this.get(id);
      if (!got) return undefined;
      const next = change(got.record);
      if (!next) return got.record;
      if (await this.store.casRecord(`${WORK}${id}`, got.version, JSON.stringify(next))) return next;
    }
  }

  /** Queues an attempt unless it is queued already; the record as it stands. */
  async enqueue(item: WorkItem): Promise<WorkRecord> {
    const record: WorkRecord = { item, state: 'queued', queuedAt: this.now().toISOString() };
    if (await this.store.casRecord(`${WORK}${item.id}`, 0, JSON.stringify(record))) return record;
    return (await this.get(item.id))?.record ?? record;
  }

  /** Stops an attempt: one no runner took ends at once; a running one is stopped at its runner's next heartbeat. */
  async cancel(id: string, reason: string): Promise<WorkRecord | undefined> {
    return this.update(id, (r) => {
      if (TERMINAL.has(r.state) || r.cancel) return undefined;
      if (r.state === 'queued') return { ...r, state: 'cancelled', reason };
      return { ...r, cancel: true, reason };
    });
  }

  /** Gives up an attempt whose runner stopped answering: a report that comes later changes nothing. */
  async giveUp(id: string, reason: string): Promise<WorkRecord | undefined> {
    return this.update(id, (r) => (TERMINAL.has(r.state) ? undefined : { ...r, state: 'lost', reason }));
  }

  /**
   * Registers a runner. What it was given and does not run now is lost (a runner that restarted runs nothing):
   * given up at once, rather than when its heartbeats would have been missed.
   */
  async register(name: string, capacity: number, version: string, running: readonly string[] = []): Promise<void> {
    const held = (await this.store.listRecords(WORK))
      .map((r) => WorkRecord.parse(JSON.parse(r.value)))
      .filter((r) => r.runner === name && (r.state === 'claimed' || r.state === 'started'))
      .filter((r) => !running.includes(r.item.id));
    for (const r of held) await this.giveUp(r.item.id, `runner ${name} restarted while it ran this attempt`);
    const now = this.now().toISOString();
    for (;;) {
      const got = await this.store.getRecord(`${RUNNERS}${name}`);
      const prev = got && RunnerRecord.safeParse(JSON.parse(got.value)).data;
      const next: RunnerRecord = { name, capacity, version, registeredAt: prev?.registeredAt ?? now, lastSeen: now };
      if (await this.store.casRecord(`${RUNNERS}${name}`, got?.version ?? 0, JSON.stringify(next))) return;
    }
  }

  async runner(name: string): Promise<RunnerRecord | undefined> {
    const got = await this.store.getRecord(`${RUNNERS}${name}`);
    return got && RunnerRecord.parse(JSON.parse(got.value));
  }

  async runners(): Promise<RunnerRecord[]> {
    return (await this.store.listRecords(RUNNERS)).map((r) => RunnerRecord.parse(JSON.parse(r.value)));
  }

  /** Marks a runner seen now; a runner Bosun does not know must register (again, after a reset of etcd). */
  private async seen(name: string): Promise<QueueRefusal | undefined> {
    for (;;) {
      const got = await this.store.getRecord(`${RUNNERS}${name}`);
      if (!got) return { reason: 'NotRegistered', message: `runner ${name} is not registered: register again` };
      const r = RunnerRecord.parse(JSON.parse(got.value));
      const next = { ...r, lastSeen: this.now().toISOString() };
      if (await this.store.casRecord(`${RUNNERS}${name}`, got.version, JSON.stringify(next))) return undefined;
    }
  }

  /** Up to `free` queued attempts for `runner`, oldest first; each taken by one runner only. */
  async claim(runner: string, free: number): Promise<WorkItem[] | QueueRefusal> {
    const refused = await this.seen(runner);
    if (refused) return refused;
    const now = this.now();
    const queued = (await this.store.listRecords(WORK))
      .map((r) => ({ ...r, record: WorkRecord.parse(JSON.parse(r.value)) }))
      .filter((r) => r.record.state === 'queued')
      .sort((a, b) => a.record.queuedAt.localeCompare(b.record.queuedAt));
    const taken: WorkItem[] = [];
    for (const q of queued) {
      if (taken.length >= free) break;
      const next: WorkRecord = { ...q.record, state: 'claimed', runner, claimedAt: now.toISOString() };
      if (await this.store.casRecord(q.key, q.version, JSON.stringify(next))) taken.push(q.record.item);
    }
    return taken;
  }

  /** The attempts `runner` must stop: cancelled, given up, or not its own. */
  async heartbeat(runner: string, running: readonly string[]): Promise<string[] | QueueRefusal> {
    const refused = await this.seen(runner);
    if (refused) return refused;
    const stop: string[] = [];
    for (const id of running) {
      const r = (await this.get(id))?.record;
      if (!r || r.runner !== runner || r.cancel || TERMINAL.has(r.state)) stop.push(id);
    }
    return stop;
  }

  /** A runner's report: taken once per id and state, from the runner that claimed the attempt only. */
  async report(runner: string, report: Report): Promise<QueueRefusal | undefined> {
    let refusal: QueueRefusal | undefined;
    const found = await this.update(report.id, (r) => {
      refusal = undefined;
      if (r.runner !== runner) {
        refusal = { reason: 'NotYours', message: `attempt ${report.id} was not given to runner ${runner}` };
        return undefined;
      }
      if (r.state === 'finished') return undefined; // a resent finished report: taken already
      if (r.state === 'lost' || r.state === 'cancelled') {
        refusal = { reason: 'Gone', message: `attempt ${report.id} was given up (${r.reason ?? r.state})` };
        return undefined;
      }
      if (report.state === 'started')
        return r.state === 'claimed' ? { ...r, state: 'started', startedAt: report.startedAt } : undefined;
      return { ...r, state: 'finished', startedAt: r.startedAt ?? report.startedAt, report };
    });
    if (!found) return { reason: 'NotYours', message: `attempt ${report.id} is not known` };
    return refusal;
  }
}
