// A StateStore whose every write first asks whether this replica may still
// write (the leader fence) and throws BOSUN_ERR_NOT_LEADER when it may not:
// the check runs right before the write is sent, so a process paused past its
// renew deadline sends nothing when it resumes. Reads pass through.
import { BosunError } from '../api/errors.js';
import type { StateStore } from './state-store.js';

export function fencedStore(store: StateStore, mayWrite: () => boolean): StateStore {
  const check = (op: string) => {
    if (!mayWrite()) throw new BosunError('BOSUN_ERR_NOT_LEADER', `not the leader any more: ${op} not sent`);
  };
  return {
    putSnapshot: async (ref, snapshot) => (check('putSnapshot'), store.putSnapshot(ref, snapshot)),
    getSnapshot: (ref) => store.getSnapshot(ref),
    deleteSnapshot: async (ref) => (check('deleteSnapshot'), store.deleteSnapshot(ref)),
    deleteSnapshots: async (prefix) => (check('deleteSnapshots'), store.deleteSnapshots(prefix)),
    openStep: async (key, intent) => (check('openStep'), store.openStep(key, intent)),
    createJournalEntry: async (key, intent) => (check('createJournalEntry'), store.createJournalEntry(key, intent)),
    completeJournalEntry: async (key, state, result) => (
      check('completeJournalEntry'),
      store.completeJournalEntry(key, state, result)
    ),
    getJournalEntry: (key) => store.getJournalEntry(key),
    listJournal: (uid) => store.listJournal(uid),
    appendAction: async (record) => (check('appendAction'), store.appendAction(record)),
    exportActions: (filter) => store.exportActions(filter),
    noteChange: async (target, change) => (check('noteChange'), store.noteChange(target, change)),
    lastChange: (target) => store.lastChange(target),
    recordOccurrence: (issue, occurrence) => store.recordOccurrence(issue, occurrence),
    occurrences: (issue) => store.occurrences(issue),
    forgetOccurrences: async (issue) => (check('forgetOccurrences'), store.forgetOccurrences(issue)),
    // the webhook records decisions from every replica: not a leader's write
    recordDecision: (ref, decision) => store.recordDecision(ref, decision),
    admittedDecisions: (ref) => store.admittedDecisions(ref),
    forgetDecisions: async (uid) => (check('forgetDecisions'), store.forgetDecisions(uid)),
    addUsage: async (counter, amount) => (check('addUsage'), store.addUsage(counter, amount)),
    getUsage: (counter) => store.getUsage(counter),
    watchPrefix: (prefix, onChange) => store.watchPrefix(prefix, onChange),
    // versioned records settle races by their version, whoever writes (the runners' endpoints of every replica)
    getRecord: (key) => store.getRecord(key),
    casRecord: (key, expected, value) => store.casRecord(key, expected, value),
    listRecords: (prefix) => store.listRecords(prefix),
    deleteRecord: (key, expected) => store.deleteRecord(key, expected),
    close: () => store.close(),
  };
}
