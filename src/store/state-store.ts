// What Bosun keeps in its own etcd (never the cluster's): the full status of
// each resource (plans can outgrow a CR), the step journal (a record per step,
// written once at its first attempt, and intent → result per attempt), and an
// append-only action log; and each decision on an Approval as the admission
// webhook admitted it.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../api/canonical.js';
import type { Decision } from '../api/v1alpha1/approval.js';

export const KEY_PREFIX = '/bosun/v1';

export interface ResourceKey {
  kind: string;
  namespace: string;
  name: string;
}

export interface JournalKey {
  uid: string;
  planHash: string;
  step: number;
  attempt: number;
}

/** One step of a plan, whatever the attempt. */
export type StepKey = Omit<JournalKey, 'attempt'>;

/** Written once, at a step's first attempt; every later attempt, after a restart too, reads it back. */
export const StepRecord = z.object({
  key: z.string(),
  /** the create call that wrote the record (as JournalEntry.writer) */
  writer: z.string(),
  intent: z.unknown(),
  /** when the step was first started: the start time every attempt gives its tool */
  startedAt: z.string(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const JournalEntry = z.object({
  key: z.string(),
  state: z.enum(['intent', 'succeeded', 'failed']),
  /** the create call that wrote the entry: tells a retried create that its first attempt landed */
  writer: z.string(),
  intent: z.unknown(),
  result: z.unknown().optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

export const ActionRecord = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type ActionRecord = z.infer<typeof ActionRecord>;

/** The last change Bosun made to a workload: which subject's plan, with which tool, when. */
export const TargetChange = z.object({
  kind: z.string(),
  /** the subject's namespace (default: the workload's) */
  namespace: z.string().optional(),
  name: z.string(),
  uid: z.string().optional(),
  tool: z.string(),
  at: z.string(),
});
export type TargetChange = z.infer<typeof TargetChange>;

/**
 * A change as the action log keeps it: a `Changed` entry of the subject whose plan made it. The change index
 * (changeKey) holds only the key of the latest such entry for a workload, so a diagnosis finds it in one read.
 */
export function changeRecord(target: TargetKey, change: TargetChange): ActionRecord {
  const { kind, name, uid, tool, at } = change;
  const workload = `${target.resource}/${target.name}`;
  return {
    id: createHash('sha256').update([uid, tool, target.namespace, workload, at].join('/')).digest('hex').slice(0, 24),
    at,
    kind,
    namespace: change.namespace ?? target.namespace,
    name,
    ...(uid && { uid }),
    action: 'Changed',
    detail: { target: workload, targetNamespace: target.namespace, tool },
  };
}

/** The change an action-log entry records (changeRecord); an index entry written before the log held it. */
export function changeOf(text: string): TargetChange {
  const value: unknown = JSON.parse(text);
  const record = ActionRecord.safeParse(value);
  if (!record.success || record.data.action !== 'Changed') return TargetChange.parse(value);
  const { kind, namespace, name, uid, at, detail } = record.data;
  return TargetChange.parse({ kind, namespace, name, uid, at, tool: detail.tool });
}

/** A workload, as the API server names it: resource is the plural with its group (deployments.apps). */
export interface TargetKey {
  namespace: string;
  resource: string;
  name: string;
}

/** One occurrence of an issue (an alert's firing, a pod's failure), under the issue's fingerprint. */
export const Occurrence = z.object({
  /** what makes this occurrence one: the alert's startsAt, the failing pod's UID */
  id: z.string().min(1).max(253),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  state: z.enum(['firing', 'resolved']),
});
export type Occurrence = z.infer<typeof Occurrence>;

export interface IssueKey {
  namespace: string;
  /** sha256 of the issue's fingerprint, hex */
  fingerprint: string;
}

/** An Approval, under the subject (Goal, Remediation, PipelineRun) whose plan it approves. */
export interface DecisionRef {
  subjectUid: string;
  approvalUid: string;
}

export interface StoreWatch {
  close(): Promise<void>;
}

export interface StateStore {
  putSnapshot(ref: ResourceKey, snapshot: unknown): Promise<void>;
  getSnapshot(ref: ResourceKey): Promise<unknown>;
  deleteSnapshot(ref: ResourceKey): Promise<void>;
  /** Deletes every snapshot of `prefix.kind` in `prefix.namespace` whose name starts with `prefix.name`. */
  deleteSnapshots(prefix: ResourceKey): Promise<number>;

  /**
   * Records a step at its first attempt. Idempotent: every later call (another
   * attempt, another process) changes nothing and returns the first record.
   */
  openStep(key: StepKey, intent: unknown): Promise<StepRecord>;
  /**
   * Records the intent of a step's attempt before its side effect. Idempotent: a second
   * create of the same key changes nothing and returns the first entry.
   */
  createJournalEntry(key: JournalKey, intent: unknown): Promise<{ created: boolean; entry: JournalEntry }>;
  /** Records a step's result; the first recorded result wins. */
  completeJournalEntry(key: JournalKey, state: 'succeeded' | 'failed', result: unknown): Promise<JournalEntry>;
  getJournalEntry(key: JournalKey): Promise<JournalEntry | undefined>;
  listJournal(uid: string): Promise<JournalEntry[]>;

  /** Appends to the action log. `id` (from newActionId) makes a retried append a no-op. */
  appendAction(record: Omit<ActionRecord, 'id' | 'at'> & { id?: string; at?: string }): Promise<ActionRecord>;
  /** The action log as JSON lines, oldest first; optionally for one resource. */
  exportActions(filter?: Partial<ResourceKey>): AsyncIterable<string>;

  /**
   * Records a decision on an Approval as the admission webhook admitted it (idempotent). Not fenced:
   * every replica serves the webhook, leader or not. A decision counts only while the Approval holds
   * it and it is recorded here, so a decision written past the webhook counts for nothing.
   */
  recordDecision(ref: DecisionRef, decision: Decision): Promise<void>;
  /** The decisions recorded for one Approval. */
  admittedDecisions(ref: DecisionRef): Promise<Decision[]>;
  /** Forgets the decisions recorded for every Approval of a subject (when the subject is gone). */
  forgetDecisions(subjectUid: string): Promise<void>;

  /**
   * Notes a change a plan made to a workload: a `Changed` entry in the subject's action log, and the workload's
   * change index pointed at it, in one transaction (fenced: the leader's executor made it).
   */
  noteChange(target: TargetKey, change: TargetChange): Promise<void>;
  /** The last change noted for a workload, read from its action-log entry. */
  lastChange(target: TargetKey): Promise<TargetChange | undefined>;

  /**
   * Records an occurrence of an issue (idempotent by its id; a later record of the same id updates it).
   * Not fenced: every replica's intake records what it receives.
   */
  recordOccurrence(issue: IssueKey, occurrence: Occurrence): Promise<void>;
  occurrences(issue: IssueKey): Promise<Occurrence[]>;
  forgetOccurrences(issue: IssueKey): Promise<void>;

  /** Adds to a usage counter (LLM tokens per namespace per day, say); returns the new total. */
  addUsage(counter: string, amount: number): Promise<number>;
  getUsage(counter: string): Promise<number>;

  /** Calls back on every put (value) and delete (undefined) under a prefix of /bosun/v1. */
  watchPrefix(prefix: string, onChange: (key: string, value: string | undefined) => void): Promise<StoreWatch>;

  /**
   * Versioned records (the runners' work queue): read, written only if unchanged since they were read
   * (`expected`: the version read; 0: it must not exist yet), listed by prefix. Not fenced: the runners'
   * endpoints of every replica write them, and the version settles every race.
   */
  getRecord(key: string): Promise<VersionedRecord | undefined>;
  /** false: the record changed (or appeared) since `expected`; read it again */
  casRecord(key: string, expected: number, value: string): Promise<boolean>;
  listRecords(prefix: string): Promise<(VersionedRecord & { key: string })[]>;
  /** Deletes a record only if it is still at version `expected`; false: it changed since (or is gone) */
  deleteRecord(key: string, expected: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The fencing epoch: increased by each new leader before it writes; every write is conditioned on it. */
export const epochKey = `${KEY_PREFIX}/leader/epoch`;
export const usageKey = (counter: string) => `${KEY_PREFIX}/usage/${counter}`;
export const snapshotKey = (r: ResourceKey) => `${KEY_PREFIX}/snapshots/${r.kind}/${r.namespace}/${r.name}`;
export const journalKey = (k: JournalKey) =>
  `${KEY_PREFIX}/journal/${k.uid}/${k.planHash}/${String(k.step).padStart(3, '0')}/${String(k.attempt).padStart(3, '0')}`;
export const stepRecordKey = (k: StepKey) =>
  `${KEY_PREFIX}/steps/${k.uid}/${k.planHash}/${String(k.step).padStart(3, '0')}`;
/** Names a step for its tools and in the API server's audit log: the same for every attempt. */
export const stepId = (k: StepKey) => `${k.uid}/${k.planHash}/${k.step}`;
export const journalPrefix = (uid: string) => `${KEY_PREFIX}/journal/${uid}/`;
export const actionPrefix = (f: Partial<ResourceKey> = {}) => {
  let p = `${KEY_PREFIX}/actions/`;
  if (f.kind) {
    p += `${f.kind}/`;
    if (f.namespace) {
      p += `${f.namespace}/`;
      if (f.name) p += `${f.name}/`;
    }
  }
  return p;
};

export const changeKey = (t: TargetKey) => `${KEY_PREFIX}/changes/${t.namespace}/${t.resource}/${t.name}`;
/** A record's value and its version (etcd's modification revision; 0 for none). */
export interface VersionedRecord {
  value: string;
  version: number;
}
export const RECORDS = `${KEY_PREFIX}/records/`;

/** Under KEY_PREFIX, as watchPrefix takes it. */
export const OCCURRENCES_PREFIX = 'occurrences/';
export const OCCURRENCES = `${KEY_PREFIX}/${OCCURRENCES_PREFIX}`;
export const occurrencePrefix = (i: IssueKey) => `${OCCURRENCES}${i.namespace}/${i.fingerprint}/`;
export const occurrenceKey = (i: IssueKey, id: string) =>
  `${occurrencePrefix(i)}${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
export const decisionPrefix = (subjectUid: string) => `${KEY_PREFIX}/decisions/${subjectUid}/`;
/** One key per admitted decision: its canonical form's digest, so that only that exact decision matches. */
export const decisionKey = (ref: DecisionRef, decision: Decision) => {
  const digest = createHash('sha256').update(canonicalJson(decision)).digest('hex');
  return `${decisionPrefix(ref.subjectUid)}${ref.approvalUid}/${digest}`;
};

let seq = 0;
/** Time-ordered, unique action ids: milliseconds, a per-process counter, randomness. */
export const newActionId = (now = Date.now()) =>
  `${now.toString().padStart(14, '0')}-${(seq++ % 1e6).toString().padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
