import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../store/memory-store.js';
import type { WorkItem } from '../runner/protocol.js';
import { RunnerQueue } from './runner-queue.js';

const item = (id: string): WorkItem => ({
  id,
  run: { namespace: 'ci', name: 'web-1' },
  stage: 'test',
  attempt: 1,
  command: ['npm', 'test'],
  env: {},
  network: false,
  limits: { timeoutSeconds: 60, cpuSeconds: 60, memoryBytes: 256 * 1024 * 1024, maxOutputBytes: 32 * 1024 },
  deadline: '2026-03-01T13:00:00.000Z',
});
const started = (id: string, runner = 'r1') =>
  ({ runner, id, state: 'started', startedAt: '2026-03-01T12:00:01.000Z' }) as const;
const finished = (id: string, runner = 'r1') =>
  ({
    runner,
    id,
    state: 'finished',
    startedAt: '2026-03-01T12:00:01.000Z',
    finishedAt: '2026-03-01T12:00:05.000Z',
    outcome: 'exited',
    exitCode: 0,
  }) as const;

const setup = async () => {
  let t = Date.parse('2026-03-01T12:00:00Z');
  const q = new RunnerQueue(new MemoryStateStore(), () => new Date((t += 1000)));
  await q.register('r1', 2, 'test');
  await q.register('r2', 2, 'test');
  return q;
};

describe("the runners' work queue", () => {
  it('queues an attempt once, gives it to one runner only, oldest first, no more than it has room for', async () => {
    const q = await setup();
    await q.enqueue(item('a'));
    await q.enqueue(item('b'));
    await q.enqueue(item('c'));
    await q.enqueue(item('a')); // again after a restart: the same attempt
    expect(await q.claim('r1', 2)).toEqual([item('a'), item('b')]);
    expect(await q.claim('r2', 2)).toEqual([item('c')]);
    expect(await q.claim('r2', 2)).toEqual([]);
  });

  it('takes reports once per id and state, from the runner that claimed the attempt only', async () => {
    const q = await setup();
    await q.enqueue(item('a'));
    await q.claim('r1', 1);
    expect(await q.report('r2', started('a', 'r2'))).toMatchObject({ reason: 'NotYours' });
    expect(await q.report('r1', started('a'))).toBeUndefined();
    expect(await q.report('r1', finished('a'))).toBeUndefined();
    expect(await q.report('r1', finished('a'))).toBeUndefined(); // resent: taken already, nothing changes
    expect((await q.get('a'))?.record).toMatchObject({ state: 'finished', report: { exitCode: 0 } });
    expect(await q.report('r1', finished('unknown'))).toMatchObject({ reason: 'NotYours' });
  });

  it('a cancel ends a queued attempt at once, and tells the runner of a running one at its next heartbeat', async () => {
    const q = await setup();
    await q.enqueue(item('a'));
    await q.enqueue(item('b'));
    await q.cancel('a', 'the run was cancelled');
    expect((await q.get('a'))?.record.state).toBe('cancelled');
    expect(await q.claim('r1', 2)).toEqual([item('b')]);
    expect(await q.heartbeat('r1', ['b'])).toEqual([]);
    await q.cancel('b', 'the run was cancelled');
    expect(await q.heartbeat('r1', ['b'])).toEqual(['b']);
  });

  it("a runner's report of an attempt given up changes nothing, and its heartbeat is told to stop it", async () => {
    const q = await setup();
    await q.enqueue(item('a'));
    await q.claim('r1', 1);
    await q.report('r1', started('a'));
    await q.giveUp('a', 'runner r1 stopped answering');
    expect(await q.report('r1', finished('a'))).toMatchObject({ reason: 'Gone' });
    expect((await q.get('a'))?.record).toMatchObject({ state: 'lost' });
    expect((await q.get('a'))?.record.report).toBeUndefined();
    expect(await q.heartbeat('r1', ['a'])).toEqual(['a']);
  });

  it('a runner that registers again (a restart) loses what it does not run now: given up at once', async () => {
    const q = await setup();
    await q.enqueue(item('a'));
    await q.enqueue(item('b'));
    await q.claim('r1', 2);
    await q.report('r1', started('a'));
    await q.register('r1', 2, 'test', ['b']);
    expect((await q.get('a'))?.record).toMatchObject({
      state: 'lost',
      reason: 'runner r1 restarted while it ran this attempt',
    });
    expect((await q.get('b'))?.record.state).toBe('claimed');
  });

  it('asks a runner it does not know to register again', async () => {
    const q = await setup();
    expect(await q.claim('r9', 1)).toMatchObject({ reason: 'NotRegistered' });
    expect(await q.heartbeat('r9', [])).toMatchObject({ reason: 'NotRegistered' });
  });
});
