import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../store/memory-store.js';
import { DELIVERIES_PREFIX, DELIVERY_TTL_MS, GitHubDeliveries, PRUNE_EVERY_MS } from './github-deliveries.js';

const HOUR = 3600_000;

describe('GitHubDeliveries', () => {
  it('a delivery is seen once recorded, and recorded once', async () => {
    const store = new MemoryStateStore();
    const deliveries = new GitHubDeliveries(store, () => new Date('2026-01-01T00:00:00Z'));
    expect(await deliveries.seen('d-1')).toBe(false);
    expect(await deliveries.record('d-1', { repository: 'acme/web', runs: ['shop/web-3f9c2ab'] })).toBe(true);
    expect(await deliveries.seen('d-1')).toBe(true);
    expect(await deliveries.seen('d-2')).toBe(false);
    // a second request with the same id, racing the first: it finds the record there
    expect(await deliveries.record('d-1', { repository: 'acme/web', runs: [] })).toBe(false);
    const [r] = await store.listRecords(DELIVERIES_PREFIX);
    expect(JSON.parse(r?.value ?? '')).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      repository: 'acme/web',
      runs: ['shop/web-3f9c2ab'],
    });
  });

  it('prunes records older than three days, at most once an hour, and keeps what is younger', async () => {
    const store = new MemoryStateStore();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const deliveries = new GitHubDeliveries(store, () => new Date(now));
    await deliveries.record('old', { repository: 'a/b', runs: [] });
    now += DELIVERY_TTL_MS - HOUR;
    await deliveries.record('young', { repository: 'a/b', runs: [] });
    await store.casRecord(`${DELIVERIES_PREFIX}garbled`, 0, 'not json');
    expect(await deliveries.prune()).toBe(1); // 'old' is 71 hours old: kept; the garbled one goes
    now += PRUNE_EVERY_MS - 1; // within the hour: nothing is even listed
    await store.casRecord(`${DELIVERIES_PREFIX}garbled-2`, 0, 'not json');
    expect(await deliveries.prune()).toBe(0);
    expect((await store.listRecords(DELIVERIES_PREFIX)).map((r) => r.key)).toContain(`${DELIVERIES_PREFIX}garbled-2`);
    now += 60_000; // an hour after the last prune, 'old' is three days and a minute old: both go
    expect(await deliveries.prune()).toBe(2);
    expect(await deliveries.seen('old')).toBe(false);
    expect(await deliveries.seen('young')).toBe(true);
    // a pruned delivery is forgotten: a redelivery of it is decided again (its runs exist by name)
    expect(await deliveries.record('old', { repository: 'a/b', runs: [] })).toBe(true);
  });
});
