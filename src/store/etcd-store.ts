// StateStore on etcd (etcd3 client): Bosun's records under their keys
// (state-store.ts), each operation through an EtcdSession (etcd-session.ts),
// which retries it while etcd is unreachable and fences a deposed leader's
// writes. Writes are idempotent, so a retry whose first attempt did land is
// harmless.
import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { Decision } from '../api/v1alpha1/approval.js';
import { BosunError } from '../api/errors.js';
import { EtcdSession, type EtcdStoreOptions } from './etcd-session.js';
import type { TargetChange } from './state-store.js';
import {
  ActionRecord,
  JournalEntry,
  decisionKey,
  changeKey,
  RECORDS,
  type VersionedRecord,
  changeOf,
  changeRecord,
  Occurrence,
  occurrenceKey,
  occurrencePrefix,
  type IssueKey,
  type TargetKey,
  decisionPrefix,
  KEY_PREFIX,
  StepRecord,
  actionPrefix,
  journalKey,
  journalPrefix,
  newActionId,
  snapshotKey,
  stepRecordKey,
  usageKey,
  type DecisionRef,
  type JournalKey,
  type ResourceKey,
  type StateStore,
  type StepKey,
  type StoreWatch,
} from './state-store.js';

export class EtcdStateStore implements StateStore {
  private readonly session: EtcdSession;

  constructor(opts: EtcdStoreOptions) {
    this.session = new EtcdSession(opts);
  }

  private get client(): Etcd3 {
    return this.session.client;
  }

  /**
   * Claims the next fencing epoch for this writer (at each takeover, before
   * any write): every later write of a writer holding an older epoch fails.
   */
  claimEpoch(): Promise<number> {
    return this.session.claimEpoch();
  }

  /** The epoch this writer claimed, if any. */
  get fencingEpoch(): number | undefined {
    return this.session.fencingEpoch;
  }

  putSnapshot(ref: ResourceKey, snapshot: unknown): Promise<void> {
    return this.session.run('putSnapshot', async () => {
      await this.session.commit('putSnapshot', (c) => c, [
        this.client.put(snapshotKey(ref)).value(JSON.stringify(snapshot)),
      ]);
    });
  }

  getSnapshot(ref: ResourceKey): Promise<unknown> {
    return this.session.run('getSnapshot', async () => {
      const text = await this.client.get(snapshotKey(ref)).string();
      return text === null ? undefined : parse(snapshotKey(ref), text);
    });
  }

  deleteSnapshot(ref: ResourceKey): Promise<void> {
    return this.session.run('deleteSnapshot', async () => {
      await this.session.commit('deleteSnapshot', (c) => c, [this.client.delete().key(snapshotKey(ref))]);
    });
  }

  deleteSnapshots(prefix: ResourceKey): Promise<number> {
    return this.session.run('deleteSnapshots', async () => {
      const res = await this.session.commit('deleteSnapshots', (c) => c, [
        this.client.delete().prefix(snapshotKey(prefix)),
      ]);
      return Number(res.responses[0]?.response_delete_range?.deleted ?? 0);
    });
  }

  openStep(key: StepKey, intent: unknown): Promise<StepRecord> {
    const k = stepRecordKey(key);
    const record: StepRecord = { key: k, writer: randomUUID(), intent, startedAt: new Date().toISOString() };
    return this.session.run('openStep', async () => {
      const res = await this.session.commit(
        'openStep',
        (c) => c.and(k, 'Create', '==', 0),
        [this.client.put(k).value(JSON.stringify(record))],
        [this.client.get(k)],
      );
      if (res.succeeded) return record;
      const kv = res.responses[0]?.response_range?.kvs[0];
      if (!kv) throw new BosunError('BOSUN_ERR_STORE_CORRUPT', `${k}: transaction failed but the key is missing`);
      return StepRecord.parse(parse(k, kv.value.toString()));
    });
  }

  createJournalEntry(key: JournalKey, intent: unknown): Promise<{ created: boolean; entry: JournalEntry }> {
    const k = journalKey(key);
    const entry: JournalEntry = {
      key: k,
      state: 'intent',
      writer: randomUUID(),
      intent,
      createdAt: new Date().toISOString(),
    };
    return this.session.run('createJournalEntry', async () => {
      const res = await this.session.commit(
        'createJournalEntry',
        (c) => c.and(k, 'Create', '==', 0),
        [this.client.put(k).value(JSON.stringify(entry))],
        [this.client.get(k)],
      );
      if (res.succeeded) return { created: true, entry };
      const kv = res.responses[0]?.response_range?.kvs[0];
      if (!kv) throw new BosunError('BOSUN_ERR_STORE_CORRUPT', `${k}: transaction failed but the key is missing`);
      const existing = JournalEntry.parse(parse(k, kv.value.toString()));
      // an earlier attempt of this very call may have landed before its answer was lost
      return { created: existing.writer === entry.writer, entry: existing };
    });
  }

  completeJournalEntry(key: JournalKey, state: 'succeeded' | 'failed', result: unknown): Promise<JournalEntry> {
    const k = journalKey(key);
    return this.session.run('completeJournalEntry', async () => {
      for (;;) {
        const res = await this.client.get(k).exec();
        const kv = res.kvs[0];
        if (!kv) throw new BosunError('BOSUN_ERR_STORE_CORRUPT', `${k}: no intent recorded before the result`);
        const current = JournalEntry.parse(parse(k, kv.value.toString()));
        if (current.state !== 'intent') return current; // the first result wins
        const done: JournalEntry = { ...current, state, result, finishedAt: new Date().toISOString() };
        const txn = await this.session.commit('completeJournalEntry', (c) => c.and(k, 'Mod', '==', kv.mod_revision), [
          this.client.put(k).value(JSON.stringify(done)),
        ]);
        if (txn.succeeded) return done;
      }
    });
  }

  getJournalEntry(key: JournalKey): Promise<JournalEntry | undefined> {
    const k = journalKey(key);
    return this.session.run('getJournalEntry', async () => {
      const text = await this.client.get(k).string();
      return text === null ? undefined : JournalEntry.parse(parse(k, text));
    });
  }

  listJournal(uid: string): Promise<JournalEntry[]> {
    return this.session.run('listJournal', async () => {
      const all = await this.client.getAll().prefix(journalPrefix(uid)).sort('Key', 'Ascend').strings();
      return Object.entries(all).map(([k, v]) => JournalEntry.parse(parse(k, v)));
    });
  }

  appendAction(record: Omit<ActionRecord, 'id' | 'at'> & { id?: string; at?: string }): Promise<ActionRecord> {
    const full = ActionRecord.parse({
      ...record,
      id: record.id ?? newActionId(),
      at: record.at ?? new Date().toISOString(),
    });
    const k = `${actionPrefix(full)}${full.id}`;
    return this.session.run('appendAction', async () => {
      // append-only: an id is written once; a retried append finds it there
      await this.session.commit('appendAction', (c) => c.and(k, 'Create', '==', 0), [
        this.client.put(k).value(JSON.stringify(full)),
      ]);
      return full;
    });
  }

  noteChange(target: TargetKey, change: TargetChange): Promise<void> {
    const record = changeRecord(target, change);
    const k = `${actionPrefix(record)}${record.id}`;
    return this.session.run('noteChange', async () => {
      await this.session.commit('noteChange', (c) => c, [
        this.client.put(k).value(JSON.stringify(record)),
        this.client.put(changeKey(target)).value(k),
      ]);
    });
  }
  lastChange(target: TargetKey): Promise<TargetChange | undefined> {
    return this.session.run('lastChange', async () => {
      const indexed = await this.client.get(changeKey(target)).string();
      if (indexed === null) return undefined;
      const text = indexed.startsWith('{') ? indexed : await this.client.get(indexed).string();
      return text === null ? undefined : changeOf(text);
    });
  }
  recordOccurrence(issue: IssueKey, occurrence: Occurrence): Promise<void> {
    // a plain put, not fenced by the epoch: the intake of every replica records what it receives
    return this.session.run('recordOccurrence', async () => {
      await this.client.put(occurrenceKey(issue, occurrence.id)).value(JSON.stringify(occurrence));
    });
  }
  occurrences(issue: IssueKey): Promise<Occurrence[]> {
    return this.session.run('occurrences', async () => {
      const all = await this.client.getAll().prefix(occurrencePrefix(issue)).strings();
      return Object.entries(all).map(([k, v]) => Occurrence.parse(parse(k, v)));
    });
  }
  forgetOccurrences(issue: IssueKey): Promise<void> {
    return this.session.run('forgetOccurrences', async () => {
      await this.session.commit('forgetOccurrences', (c) => c, [this.client.delete().prefix(occurrencePrefix(issue))]);
    });
  }

  recordDecision(ref: DecisionRef, decision: Decision): Promise<void> {
    // a plain put, not fenced by the epoch: the webhook of every replica records what it admits
    return this.session.run('recordDecision', async () => {
      await this.client.put(decisionKey(ref, decision)).value(JSON.stringify(decision));
    });
  }

  admittedDecisions(ref: DecisionRef): Promise<Decision[]> {
    return this.session.run('admittedDecisions', async () => {
      const all = await this.client
        .getAll()
        .prefix(`${decisionPrefix(ref.subjectUid)}${ref.approvalUid}/`)
        .strings();
      return Object.entries(all).map(([k, v]) => Decision.parse(parse(k, v)));
    });
  }

  forgetDecisions(subjectUid: string): Promise<void> {
    return this.session.run('forgetDecisions', async () => {
      await this.session.commit('forgetDecisions', (c) => c, [this.client.delete().prefix(decisionPrefix(subjectUid))]);
    });
  }

  addUsage(counter: string, amount: number): Promise<number> {
    const k = usageKey(counter);
    return this.session.run('addUsage', async () => {
      for (;;) {
        const res = await this.client.get(k).exec();
        const kv = res.kvs[0];
        const total = Number(kv?.value.toString() ?? 0) + amount;
        const txn = await this.session.commit(
          'addUsage',
          (c) => (kv ? c.and(k, 'Mod', '==', kv.mod_revision) : c.and(k, 'Create', '==', 0)),
          [this.client.put(k).value(String(total))],
        );
        if (txn.succeeded) return total;
      }
    });
  }

  getUsage(counter: string): Promise<number> {
    return this.session.run('getUsage', async () => Number((await this.client.get(usageKey(counter)).string()) ?? 0));
  }

  async *exportActions(filter: Partial<ResourceKey> = {}): AsyncIterable<string> {
    const all = await this.session.run('exportActions', () =>
      this.client.getAll().prefix(actionPrefix(filter)).sort('Create', 'Ascend').strings(),
    );
    for (const value of Object.values(all)) yield value;
  }

  async watchPrefix(prefix: string, onChange: (key: string, value: string | undefined) => void): Promise<StoreWatch> {
    const watcher = await this.session.run('watchPrefix', () =>
      this.client.watch().prefix(`${KEY_PREFIX}/${prefix}`).create(),
    );
    watcher.on('put', (kv) => onChange(kv.key.toString(), kv.value.toString()));
    watcher.on('delete', (kv) => onChange(kv.key.toString(), undefined));
    watcher.on('error', () => {
      // the client reconnects the watch by itself
    });
    return { close: () => watcher.cancel() };
  }

  getRecord(key: string): Promise<VersionedRecord | undefined> {
    return this.session.run('getRecord', async () => {
      const kv = (await this.client.get(`${RECORDS}${key}`).exec()).kvs[0];
      return kv && { value: kv.value.toString(), version: Number(kv.mod_revision) };
    });
  }
  casRecord(key: string, expected: number, value: string): Promise<boolean> {
    return this.session.run('casRecord', async () => {
      const k = `${RECORDS}${key}`;
      const txn = await this.client.if(k, 'Mod', '==', expected).then(this.client.put(k).value(value)).commit();
      return txn.succeeded;
    });
  }
  listRecords(prefix: string): Promise<(VersionedRecord & { key: string })[]> {
    return this.session.run('listRecords', async () => {
      const res = await this.client.getAll().prefix(`${RECORDS}${prefix}`).sort('Create', 'Ascend').exec();
      return res.kvs.map((kv) => ({
        key: kv.key.toString().slice(RECORDS.length),
        value: kv.value.toString(),
        version: Number(kv.mod_revision),
      }));
    });
  }

  deleteRecord(key: string, expected: number): Promise<boolean> {
    return this.session.run('deleteRecord', async () => {
      const k = `${RECORDS}${key}`;
      // Mod == expected, with expected above 0: the record is there, unchanged since it was read
      if (expected <= 0) return false;
      const txn = await this.client.if(k, 'Mod', '==', expected).then(this.client.delete().key(k)).commit();
      return txn.succeeded;
    });
  }

  /** Compacts etcd's history up to now (tests use it to force 410 Gone elsewhere). */
  async compact(): Promise<void> {
    const res = await this.client.get('/').exec();
    await this.client.kv.compact({ revision: res.header.revision });
  }

  async close(): Promise<void> {
    this.session.close();
  }
}

function parse(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BosunError('BOSUN_ERR_STORE_CORRUPT', `${key} does not hold JSON`, { cause: err });
  }
}
