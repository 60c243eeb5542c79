import { describe, expect, it } from 'vitest';
import { fencedStore } from './fenced-store.js';
import { MemoryStateStore } from './memory-store.js';
import { journalKey } from './state-store.js';

describe('fencedStore', () => {
  const ref = { kind: 'Goal', namespace: 'ns', name: 'g' };
  const key = { uid: 'u', planHash: 'h', step: 0, attempt: 1 };

  it('passes writes through while this replica leads, and sends none once it does not', async () => {
    const inner = new MemoryStateStore();
    let leading = true;
    const store = fencedStore(inner, () => leading);
    await store.createJournalEntry(key, { tool: 't' });
    await store.putSnapshot(ref, { a: 1 });
    leading = false;
    const writes = [
      () => store.putSnapshot(ref, { a: 2 }),
      () => store.deleteSnapshot(ref),
      () => store.deleteSnapshots(ref),
      () => store.openStep(key, {}),
      () => store.createJournalEntry({ ...key, attempt: 2 }, {}),
      () => store.completeJournalEntry(key, 'succeeded', {}),
      () => store.appendAction({ kind: 'Goal', namespace: 'ns', name: 'g', action: 'x', detail: {} }),
      () => store.addUsage('c', 1),
    ];
    for (const write of writes) await expect(write()).rejects.toMatchObject({ code: 'BOSUN_ERR_NOT_LEADER' });
    // reads still work, and nothing changed
    expect(await store.getSnapshot(ref)).toEqual({ a: 1 });
    expect((await store.listJournal('u')).map((e) => [e.key, e.state])).toEqual([[journalKey(key), 'intent']]);
  });
});
