// Bosun's etcd store against a real etcd, restarted under load: no journal
// entry is lost or duplicated, and a second create of a key returns the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../../src/api/errors.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import type { JournalEntry, JournalKey } from '../../src/store/state-store.js';
import { startPrivateEtcd, type PrivateEtcd } from '../support/private-etcd.js';

/** What a controller does with a failed call: try again later until it goes through. */
async function untilDone<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('etcd state store', () => {
  let etcd: PrivateEtcd;
  let store: EtcdStateStore;
  let retries = 0;

  beforeAll(async () => {
    etcd = await startPrivateEtcd();
    store = new EtcdStateStore({
      endpoints: [etcd.url],
      retryBudgetMs: 1500,
      observer: { op: (_op, result) => void (result === 'retry' && retries++) },
    });
  });
  afterAll(async () => {
    await store?.close();
    await etcd?.close();
  });

  it('a second create of a journal key is a no-op that returns the first entry', async () => {
    const key: JournalKey = { uid: 'u-1', planHash: 'a'.repeat(64), step: 0, attempt: 1 };
    const first = await store.createJournalEntry(key, { tool: 'k8s.scale', replicas: 3 });
    const second = await store.createJournalEntry(key, { tool: 'k8s.scale', replicas: 99 });
    expect(first.created).toBe(true);
    expect(second).toEqual({ created: false, entry: first.entry });
    const done = await store.completeJournalEntry(key, 'succeeded', { replicas: 3 });
    expect(await store.completeJournalEntry(key, 'failed', { late: true })).toEqual(done); // the first result wins
  });

  it('a step is recorded once: later opens, of any attempt, return the first record', async () => {
    const key = { uid: 'u-1', planHash: 'a'.repeat(64), step: 1 };
    const first = await store.openStep(key, { tool: 'k8s.rollout-restart' });
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.openStep(key, { tool: 'k8s.rollout-restart', attempt: 2 })).toEqual(first);
    expect((await store.openStep({ ...key, step: 2 }, {})).startedAt).not.toBe(first.startedAt);
  });

  it('loses and duplicates nothing when etcd is killed and restarted under load', async () => {
    const uid = 'u-load';
    const keys = Array.from({ length: 150 }, (_, i): JournalKey => ({
      uid,
      planHash: 'b'.repeat(64),
      step: i,
      attempt: 1,
    }));
    const results = new Map<number, { created: boolean; entry: JournalEntry }[]>();
    const appended = new Set<string>();
    let restarted = false;

    const load = (async () => {
      // two writers race for every key, in waves, while etcd goes down and comes back
      for (let wave = 0; wave < keys.length; wave += 10) {
        await Promise.all(
          keys.slice(wave, wave + 10).flatMap((key) =>
            ['writer-a', 'writer-b'].map(async (writer) => {
              const r = await untilDone(() => store.createJournalEntry(key, { writer, step: key.step }));
              results.set(key.step, [...(results.get(key.step) ?? []), r]);
              if (r.created) await untilDone(() => store.completeJournalEntry(key, 'succeeded', { by: writer }));
              const id = `load-${key.step}-${writer}`;
              await untilDone(() =>
                store.appendAction({
                  id,
                  kind: 'Goal',
                  namespace: 'ns',
                  name: 'load',
                  action: 'StepSucceeded',
                  detail: { step: key.step },
                }),
              );
              appended.add(id);
            }),
          ),
        );
      }
    })();
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, 150));
      await etcd.restart({ kill: true, downMs: 1500 });
      restarted = true;
    })();
    await Promise.all([load, chaos]);

    expect(restarted).toBe(true);
    expect(retries).toBeGreaterThan(0); // the load really met the outage
    const journal = await untilDone(() => store.listJournal(uid));
    expect(journal).toHaveLength(keys.length); // none lost
    expect(new Set(journal.map((e) => e.key)).size).toBe(keys.length); // none duplicated
    for (const key of keys) {
      const seen = results.get(key.step) ?? [];
      expect(seen).toHaveLength(2);
      expect(seen.filter((r) => r.created)).toHaveLength(1); // exactly one writer created it
      expect(seen[0]?.entry.intent).toEqual(seen[1]?.entry.intent); // both saw the same first entry
      const stored = journal.find((e) => e.key === seen[0]?.entry.key);
      expect(stored?.state).toBe('succeeded');
      expect(stored?.intent).toEqual(seen[0]?.entry.intent);
    }
    const actions: string[] = [];
    for await (const line of store.exportActions({ kind: 'Goal', namespace: 'ns', name: 'load' }))
      actions.push((JSON.parse(line) as { id: string }).id);
    expect(actions.sort()).toEqual([...appended].sort()); // every append once, retries included
  });

  it('fails with BOSUN_ERR_STORE_UNAVAILABLE once the retry budget is spent, and works again after', async () => {
    await etcd.component.stop();
    const err = await store
      .putSnapshot({ kind: 'Goal', namespace: 'ns', name: 'x' }, { a: 1 })
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')).toBe(true);
    etcd.component.start();
    await etcd.waitHealthy();
    await untilDone(() => store.putSnapshot({ kind: 'Goal', namespace: 'ns', name: 'x' }, { a: 2 }));
    expect(await store.getSnapshot({ kind: 'Goal', namespace: 'ns', name: 'x' })).toEqual({ a: 2 });
  });
  it('a deposed writer (an older fencing epoch) lands no write; the new leader writes on', async () => {
    const fenced: [string, number, number][] = [];
    const old = new EtcdStateStore({
      endpoints: [etcd.url],
      retryBudgetMs: 1500,
      observer: { op: () => undefined, fenced: (op, mine, current) => void fenced.push([op, mine, current]) },
    });
    const next = new EtcdStateStore({ endpoints: [etcd.url], retryBudgetMs: 1500 });
    try {
      const mine = await old.claimEpoch();
      const ref = { kind: 'Goal', namespace: 'fence', name: 'g' };
      const key: JournalKey = { uid: 'u-fence', planHash: 'c'.repeat(64), step: 0, attempt: 1 };
      await old.createJournalEntry(key, { tool: 'k8s.rollout-restart' });
      await old.putSnapshot(ref, { by: 'old' });
      // the old leader is paused; another replica takes over
      expect(await next.claimEpoch()).toBe(mine + 1);
      const stale = [
        ['completeJournalEntry', () => old.completeJournalEntry(key, 'succeeded', { by: 'old' })],
        ['createJournalEntry', () => old.createJournalEntry({ ...key, step: 1 }, {})],
        ['openStep', () => old.openStep({ ...key, step: 1 }, {})],
        ['putSnapshot', () => old.putSnapshot(ref, { by: 'old, late' })],
        ['deleteSnapshot', () => old.deleteSnapshot(ref)],
        ['deleteSnapshots', () => old.deleteSnapshots(ref)],
        ['appendAction', () => old.appendAction({ ...ref, action: 'StepSucceeded', detail: {} })],
        ['addUsage', () => old.addUsage('fence', 1)],
        ['forgetDecisions', () => old.forgetDecisions('u-fence')],
      ] as const;
      for (const [, write] of stale) await expect(write()).rejects.toMatchObject({ code: 'BOSUN_ERR_FENCED' });
      expect(fenced).toEqual(stale.map(([op]) => [op, mine, mine + 1]));
      // nothing of the old writer's landed after the takeover
      expect(await next.getJournalEntry(key)).toMatchObject({ state: 'intent' });
      expect(await next.getJournalEntry({ ...key, step: 1 })).toBeUndefined();
      expect(await next.getSnapshot(ref)).toEqual({ by: 'old' });
      const actions: string[] = [];
      for await (const line of next.exportActions(ref)) actions.push(line);
      expect(actions).toEqual([]);
      expect(await next.getUsage('fence')).toBe(0);
      // the new leader's writes go through
      expect(await next.completeJournalEntry(key, 'succeeded', { by: 'next' })).toMatchObject({
        result: { by: 'next' },
      });
      await next.putSnapshot(ref, { by: 'next' });
      expect(await next.getSnapshot(ref)).toEqual({ by: 'next' });
      expect(await next.addUsage('fence', 2)).toBe(2);
    } finally {
      await old.close();
      await next.close();
    }
  });

  it('records each admitted decision exactly: only that decision, for that Approval, matches; any replica records', async () => {
    const replica = new EtcdStateStore({ endpoints: [etcd.url], retryBudgetMs: 1500 });
    try {
      await store.claimEpoch();
      await store.claimEpoch(); // another replica leads now: recording is not a leader's write
      const a = { subjectUid: 'goal-1', approvalUid: 'approval-1' };
      const bob = { user: 'bob', decision: 'approve' as const, comment: '', decidedAt: '2026-11-26T10:00:00Z' };
      await replica.recordDecision(a, { ...bob, groups: ['sre'] });
      await replica.recordDecision(a, { ...bob, groups: ['sre'] }); // again: one record
      await replica.recordDecision({ ...a, approvalUid: 'approval-2' }, { ...bob, user: 'carol', groups: [] });
      expect(await replica.admittedDecisions(a)).toEqual([{ ...bob, groups: ['sre'] }]);
      expect(await replica.admittedDecisions({ ...a, approvalUid: 'approval-3' })).toEqual([]);
      await store.forgetDecisions('goal-1'); // the Goal is gone: so are its decisions
      expect(await replica.admittedDecisions(a)).toEqual([]);
      expect(await replica.admittedDecisions({ ...a, approvalUid: 'approval-2' })).toEqual([]);
    } finally {
      await replica.close();
    }
  });

  it("keeps the last change to a workload in the action log, and an issue's occurrences once each by id", async () => {
    const target = { namespace: 'shop', resource: 'deployments.apps', name: 'web' };
    expect(await store.lastChange(target)).toBeUndefined();
    await store.noteChange(target, { kind: 'Goal', name: 'a', tool: 'k8s.scale', at: '2026-01-01T00:00:00Z' });
    await store.noteChange(target, { kind: 'Goal', name: 'b', tool: 'k8s.set-image', at: '2026-01-01T00:01:00Z' });
    expect(await store.lastChange(target)).toMatchObject({ name: 'b', tool: 'k8s.set-image', namespace: 'shop' });
    // each change is an entry in the action log of the Goal that made it; the last one is what lastChange reads
    const logged = [];
    for await (const line of store.exportActions({ kind: 'Goal', namespace: 'shop', name: 'b' }))
      logged.push(JSON.parse(line) as unknown);
    expect(logged).toEqual([
      expect.objectContaining({
        action: 'Changed',
        at: '2026-01-01T00:01:00Z',
        detail: { target: 'deployments.apps/web', targetNamespace: 'shop', tool: 'k8s.set-image' },
      }),
    ]);

    const issue = { namespace: 'shop', fingerprint: 'f'.repeat(64) };
    const at = (id: string, lastSeenAt: string, state: 'firing' | 'resolved' = 'firing') => ({
      id,
      firstSeenAt: '2026-01-01T00:00:00Z',
      lastSeenAt,
      state,
    });
    // a replica that is not the leader records too: the write is not fenced
    const other = new EtcdStateStore({ endpoints: [etcd.url], retryBudgetMs: 1500 });
    try {
      await store.recordOccurrence(issue, at('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'));
      await other.recordOccurrence(issue, at('2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z'));
      await other.recordOccurrence(issue, at('2026-01-01T01:00:00Z', '2026-01-01T01:00:00Z', 'resolved'));
    } finally {
      await other.close();
    }
    const seen = await store.occurrences(issue);
    expect(seen.map((o) => [o.id, o.lastSeenAt, o.state]).sort()).toEqual([
      ['2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z', 'firing'],
      ['2026-01-01T01:00:00Z', '2026-01-01T01:00:00Z', 'resolved'],
    ]);
    expect(await store.occurrences({ ...issue, fingerprint: 'e'.repeat(64) })).toEqual([]);
    await store.forgetOccurrences(issue);
    expect(await store.occurrences(issue)).toEqual([]);
  });

  it('deletes a versioned record only at the version read: never one that changed or came back since', async () => {
    expect(await store.casRecord('test/records/a', 0, 'one')).toBe(true);
    const read = await store.getRecord('test/records/a');
    // another replica updates it: the version read is stale, and the delete does nothing
    expect(await store.casRecord('test/records/a', read?.version ?? 0, 'two')).toBe(true);
    expect(await store.deleteRecord('test/records/a', read?.version ?? 0)).toBe(false);
    expect((await store.getRecord('test/records/a'))?.value).toBe('two');
    const now = await store.getRecord('test/records/a');
    expect(await store.deleteRecord('test/records/a', now?.version ?? 0)).toBe(true);
    expect(await store.getRecord('test/records/a')).toBeUndefined();
    expect(await store.deleteRecord('test/records/a', now?.version ?? 0)).toBe(false); // gone
    expect(await store.deleteRecord('test/records/missing', 0)).toBe(false); // 0 names no version
    // deleted, then created again: a new version, which the old one does not delete
    expect(await store.casRecord('test/records/a', 0, 'three')).toBe(true);
    expect(await store.deleteRecord('test/records/a', now?.version ?? 0)).toBe(false);
    expect((await store.listRecords('test/records/')).map((r) => [r.key, r.value])).toEqual([
      ['test/records/a', 'three'],
    ]);
  });
});
