// An in-memory StateStore for unit tests only; production uses EtcdStateStore.
import type { Decision } from '../api/v1alpha1/approval.js';
import type { TargetChange } from './state-store.js';
import {
  ActionRecord,
  decisionKey,
  changeKey,
  type VersionedRecord,
  changeOf,
  changeRecord,
  Occurrence,
  occurrenceKey,
  occurrencePrefix,
  type IssueKey,
  type TargetKey,
  decisionPrefix,
  actionPrefix,
  journalKey,
  journalPrefix,
  newActionId,
  snapshotKey,
  stepRecordKey,
  usageKey,
  type DecisionRef,
  type JournalEntry,
  type JournalKey,
  type ResourceKey,
  type StateStore,
  type StepKey,
  type StepRecord,
  type StoreWatch,
} from './state-store.js';

export class MemoryStateStore implements StateStore {
  readonly data = new Map<string, string>();
  /** set to make every call fail as if etcd were down */
  down = false;

  private check(): void {
    if (this.down) throw new Error('memory store is down');
  }

  async putSnapshot(ref: ResourceKey, snapshot: unknown) {
    this.check();
    this.data.set(snapshotKey(ref), JSON.stringify(snapshot));
  }
  async getSnapshot(ref: ResourceKey) {
    this.check();
    const v = this.data.get(snapshotKey(ref));
    return v === undefined ? undefined : (JSON.parse(v) as unknown);
  }
  async deleteSnapshot(ref: ResourceKey) {
    this.check();
    this.data.delete(snapshotKey(ref));
  }
  async deleteSnapshots(prefix: ResourceKey) {
    this.check();
    const doomed = [...this.data.keys()].filter((k) => k.startsWith(snapshotKey(prefix)));
    for (const k of doomed) this.data.delete(k);
    return doomed.length;
  }
  async openStep(key: StepKey, intent: unknown) {
    this.check();
    const k = stepRecordKey(key);
    const prior = this.data.get(k);
    if (prior) return JSON.parse(prior) as StepRecord;
    const record: StepRecord = { key: k, writer: String(this.data.size), intent, startedAt: new Date().toISOString() };
    this.data.set(k, JSON.stringify(record));
    return record;
  }
  async createJournalEntry(key: JournalKey, intent: unknown) {
    this.check();
    const k = journalKey(key);
    const prior = this.data.get(k);
    if (prior) return { created: false, entry: JSON.parse(prior) as JournalEntry };
    const entry: JournalEntry = {
      key: k,
      state: 'intent',
      writer: String(this.data.size),
      intent,
      createdAt: new Date().toISOString(),
    };
    this.data.set(k, JSON.stringify(entry));
    return { created: true, entry };
  }
  async completeJournalEntry(key: JournalKey, state: 'succeeded' | 'failed', result: unknown) {
    this.check();
    const k = journalKey(key);
    const current = JSON.parse(this.data.get(k) ?? 'null') as JournalEntry | null;
    if (!current) throw new Error(`${k}: no intent`);
    if (current.state !== 'intent') return current;
    const done: JournalEntry = { ...current, state, result, finishedAt: new Date().toISOString() };
    this.data.set(k, JSON.stringify(done));
    return done;
  }
  async getJournalEntry(key: JournalKey) {
    this.check();
    const v = this.data.get(journalKey(key));
    return v === undefined ? undefined : (JSON.parse(v) as JournalEntry);
  }
  async listJournal(uid: string) {
    this.check();
    return [...this.data]
      .filter(([k]) => k.startsWith(journalPrefix(uid)))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, v]) => JSON.parse(v) as JournalEntry);
  }
  async appendAction(record: Omit<ActionRecord, 'id' | 'at'> & { id?: string; at?: string }) {
    this.check();
    const full = ActionRecord.parse({
      ...record,
      id: record.id ?? newActionId(),
      at: record.at ?? new Date().toISOString(),
    });
    const k = `${actionPrefix(full)}${full.id}`;
    if (!this.data.has(k)) this.data.set(k, JSON.stringify(full));
    return full;
  }
  async noteChange(target: TargetKey, change: TargetChange) {
    this.check();
    const record = changeRecord(target, change);
    const k = `${actionPrefix(record)}${record.id}`;
    this.data.set(k, JSON.stringify(record));
    this.data.set(changeKey(target), k);
  }
  async lastChange(target: TargetKey) {
    this.check();
    const k = this.data.get(changeKey(target));
    const text = k === undefined ? undefined : this.data.get(k);
    return text === undefined ? undefined : changeOf(text);
  }
  async recordOccurrence(issue: IssueKey, occurrence: Occurrence) {
    this.check();
    this.data.set(occurrenceKey(issue, occurrence.id), JSON.stringify(occurrence));
  }
  async occurrences(issue: IssueKey) {
    this.check();
    const prefix = occurrencePrefix(issue);
    return [...this.data].filter(([k]) => k.startsWith(prefix)).map(([, v]) => Occurrence.parse(JSON.parse(v)));
  }
  async forgetOccurrences(issue: IssueKey) {
    this.check();
    for (const k of [...this.data.keys()]) if (k.startsWith(occurrencePrefix(issue))) this.data.delete(k);
  }
  async recordDecision(ref: DecisionRef, decision: Decision) {
    this.check();
    this.data.set(decisionKey(ref, decision), JSON.stringify(decision));
  }
  async admittedDecisions(ref: DecisionRef) {
    this.check();
    const prefix = `${decisionPrefix(ref.subjectUid)}${ref.approvalUid}/`;
    return [...this.data].filter(([k]) => k.startsWith(prefix)).map(([, v]) => JSON.parse(v) as Decision);
  }
  async forgetDecisions(subjectUid: string) {
    this.check();
    for (const k of [...this.data.keys()]) if (k.startsWith(decisionPrefix(subjectUid))) this.data.delete(k);
  }
  async addUsage(counter: string, amount: number) {
    this.check();
    const total = Number(this.data.get(usageKey(counter)) ?? 0) + amount;
    this.data.set(usageKey(counter), String(total));
    return total;
  }
  async getUsage(counter: string) {
    this.check();
    return Number(this.data.get(usageKey(counter)) ?? 0);
  }
  async *exportActions(filter: Partial<ResourceKey> = {}) {
    this.check();
    for (const [k, v] of this.data) if (k.startsWith(actionPrefix(filter))) yield v;
  }
  private readonly records = new Map<string, VersionedRecord>();
  private revision = 0;
  async getRecord(key: string) {
    this.check();
    return this.records.get(key);
  }
  async casRecord(key: string, expected: number, value: string) {
    this.check();
    if ((this.records.get(key)?.version ?? 0) !== expected) return false;
    this.records.set(key, { value, version: ++this.revision });
    return true;
  }
  async listRecords(prefix: string) {
    this.check();
    return [...this.records.entries()].filter(([k]) => k.startsWith(prefix)).map(([key, r]) => ({ key, ...r }));
  }
  async deleteRecord(key: string, expected: number) {
    this.check();
    const r = this.records.get(key);
    if (!r || r.version !== expected) return false;
    this.records.delete(key);
    return true;
  }
  async watchPrefix(): Promise<StoreWatch> {
    return { close: async () => {} };
  }
  async close() {}
}
