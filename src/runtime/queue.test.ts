import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { WorkQueue } from './queue.js';

const drain = async (q: WorkQueue) => {
  const keys: string[] = [];
  while (q.length) keys.push((await q.get()) as string);
  return keys;
};

describe('WorkQueue', () => {
  it('keeps one entry per key however often it is added', async () => {
    const q = new WorkQueue();
    for (const k of ['a', 'b', 'a', 'a', 'c', 'b']) q.add(k);
    expect(await drain(q)).toEqual(['a', 'b', 'c']);
  });

  it('never hands one key to two workers; a key added while processing runs again after done()', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a'); // changed while being reconciled
    expect(q.length).toBe(0); // not handed out again yet
    q.done(first as string);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('wakes a waiting worker on add', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
  });

  it('backs off per key exponentially from 5 ms, capped at 1000 s, and forget() resets it', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, burst: 1e9, qps: 1e9 });
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = q.length;
      q.addRateLimited('k');
      let waited = 0;
      while (q.length === before && waited < 2_000_000) {
        clock.advance(1);
        waited += 1;
      }
      delays.push(waited);
      q.done((await q.get()) as string);
    }
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(Math.max(...delays)).toBe(1_000_000);
    q.forget('k');
    expect(q.retries('k')).toBe(0);
  });

  it('limits rate-limited adds with a global token bucket', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, qps: 10, burst: 2, baseDelayMs: 1 });
    for (const k of ['a', 'b', 'c', 'd']) q.addRateLimited(k);
    clock.advance(1);
    expect(q.length).toBe(2); // the burst
    clock.advance(100);
    expect(q.length).toBe(3);
    clock.advance(100);
    expect(q.length).toBe(4);
  });

  it('keeps the earliest of several delayed adds', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 100);
    q.addAfter('a', 5000);
    clock.advance(100);
    expect(q.length).toBe(1);
    clock.advance(10_000);
    expect(q.length).toBe(1);
  });

  it('resolves waiting workers with undefined on shutdown and drops delayed adds', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const waiting = q.get();
    q.addAfter('a', 10);
    q.shutdown();
    expect(await waiting).toBeUndefined();
    clock.advance(100);
    expect(await q.get()).toBeUndefined();
  });

  it('reports depth, wait time and retries', async () => {
    const clock = new FakeClock();
    const seen = { depth: [] as number[], waited: [] as number[], retries: 0 };
    const q = new WorkQueue({
      clock,
      observer: {
        depth: (n) => seen.depth.push(n),
        waited: (s) => seen.waited.push(s),
        retried: () => (seen.retries += 1),
      },
    });
    q.add('a');
    clock.advance(250);
    await q.get();
    q.addRateLimited('a');
    expect(seen.depth).toContain(1);
    expect(seen.waited).toEqual([0.25]);
    expect(seen.retries).toBe(1);
  });
});
