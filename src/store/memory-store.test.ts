import { describe, expect, it } from 'vitest';
import { fencedStore } from './fenced-store.js';
import { MemoryStateStore } from './memory-store.js';

describe('versioned records (the in-memory store, as tests use it)', () => {
  it('creates only once, updates only from the version read, and deletes only the version read', async () => {
    const store = new MemoryStateStore();
    expect(await store.casRecord('a/1', 0, 'one')).toBe(true);
    expect(await store.casRecord('a/1', 0, 'again')).toBe(false); // create-only: it exists
    const first = await store.getRecord('a/1');
    expect(first?.value).toBe('one');
    expect(await store.casRecord('a/1', first?.version ?? 0, 'two')).toBe(true);
    // the version read before the update is stale now: neither update nor delete goes through
    expect(await store.deleteRecord('a/1', first?.version ?? 0)).toBe(false);
    const second = await store.getRecord('a/1');
    expect(await store.deleteRecord('a/1', second?.version ?? 0)).toBe(true);
    expect(await store.getRecord('a/1')).toBeUndefined();
    expect(await store.deleteRecord('a/1', second?.version ?? 0)).toBe(false); // gone already
    expect(await store.casRecord('a/1', 0, 'new')).toBe(true); // a deleted key can be created again
  });

  it('lists by prefix, and a fenced store deletes records whoever leads (the version settles races)', async () => {
    const inner = new MemoryStateStore();
    const store = fencedStore(inner, () => false);
    await store.casRecord('a/1', 0, '1');
    await store.casRecord('a/2', 0, '2');
    await store.casRecord('b/1', 0, '3');
    const listed = await store.listRecords('a/');
    expect(listed.map((r) => [r.key, r.value])).toEqual([
      ['a/1', '1'],
      ['a/2', '2'],
    ]);
    expect(await store.deleteRecord('a/1', listed[0]?.version ?? 0)).toBe(true);
    expect((await store.listRecords('a/')).map((r) => r.key)).toEqual(['a/2']);
  });
});
