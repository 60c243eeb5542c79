import { describe, expect, it } from 'vitest';
import { BosunError } from '../../api/errors.js';
import { WorkId } from '../../runner/protocol.js';
import { MemoryStateStore } from '../../store/memory-store.js';
import type { ToolContext } from '../../tools/tool.js';
import { StageParams, type StageWork } from '../../tools/pipeline/stage.js';
import { LOST_AFTER_MS, RunnerQueue } from '../../webhooks/runner-queue.js';
import { runnerBackend, silentTooLong, workId } from './runner-backend.js';

const work = (o: Partial<StageParams> = {}): StageWork => ({
  id: 'uid-1/plan/2-1',
  namespace: 'ci',
  params: StageParams.parse({
    run: { name: 'web-1', uid: 'uid-1' },
    pipeline: 'web',
    revision: 'a1b2c3d',
    stage: 'test',
    runOn: 'runner',
    command: ['npm', 'test'],
    timeoutSeconds: 60,
    serviceAccountName: 'bosun-pipeline',
    ...o,
  }),
});
const ctx = {} as ToolContext;

const setup = () => {
  let t = Date.parse('2026-03-01T12:00:00Z');
  const clock = { now: () => new Date(t), advance: (ms: number) => (t += ms) };
  const store = new MemoryStateStore();
  const queue = new RunnerQueue(store, clock.now);
  return { clock, store, queue, backend: runnerBackend({ queue, store, now: clock.now }) };
};

describe('the runner stage backend', () => {
  it('names each attempt with a valid work id, readable and unique per attempt', () => {
    const a = workId(work());
    expect(WorkId.safeParse(a).success).toBe(true);
    expect(a).toMatch(/^test-1-[0-9a-f]{24}$/);
    expect(workId({ ...work({ attempt: 2 }), id: 'uid-1/plan/2-2' })).not.toBe(a);
  });

  it('queues the attempt once, and reads its end from the runner’s report: exit code, and findings from the result', async () => {
    const { backend, queue } = setup();
    expect(await backend.ensure(ctx, work())).toMatchObject({ state: 'running' });
    await backend.ensure(ctx, work());
    await queue.register('r1', 1, 'test');
    const [item] = (await queue.claim('r1', 5)) as { id: string }[];
    expect(item?.id).toBe(workId(work()));
    await queue.report('r1', {
      runner: 'r1',
      id: workId(work()),
      state: 'finished',
      startedAt: '2026-03-01T12:00:01.000Z',
      finishedAt: '2026-03-01T12:00:09.000Z',
      outcome: 'exited',
      exitCode: 1,
      output: '2 failing',
      result: JSON.stringify({ summary: '2 of 5 failed', findings: { testsFailed: 2, failedTests: ['a', 'b'] } }),
    });
    expect(await backend.ensure(ctx, work())).toMatchObject({
      state: 'ended',
      outcome: 'failed',
      exitCode: 1,
      reason: 'exit code 1: 2 of 5 failed',
      findings: { summary: '2 of 5 failed', testsFailed: 2, failedTests: ['a', 'b'] },
    });
  });

  it('gives up an attempt whose runner went silent, but only once the operator itself was up long enough', async () => {
    expect(silentTooLong(LOST_AFTER_MS, LOST_AFTER_MS)).toBe(true);
    expect(silentTooLong(LOST_AFTER_MS * 10, LOST_AFTER_MS - 1)).toBe(false); // the operator was down, not the runner
    expect(silentTooLong(LOST_AFTER_MS - 1, LOST_AFTER_MS * 10)).toBe(false);
    const { backend, queue, clock } = setup();
    await backend.ensure(ctx, work());
    await queue.register('r1', 1, 'test');
    await queue.claim('r1', 1);
    clock.advance(LOST_AFTER_MS + 1000);
    expect(await backend.ensure(ctx, work())).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect((await queue.get(workId(work())))?.record.state).toBe('lost');
  });

  it("looks again when Bosun's etcd does not answer in time, and fails the stage on any other error", async () => {
    const { backend, queue } = setup();
    const get = queue.get.bind(queue);
    let failWith: Error | undefined = new BosunError('BOSUN_ERR_STORE_UNAVAILABLE', 'etcd unreachable for 5497 ms');
    queue.get = async (id) => {
      if (failWith) throw failWith;
      return get(id);
    };
    expect(await backend.ensure(ctx, work())).toMatchObject({
      state: 'running',
      summary: expect.stringMatching(/etcd/),
    });
    // nothing was queued: the next pass queues the attempt
    failWith = undefined;
    expect(await backend.ensure(ctx, work())).toMatchObject({ state: 'running' });
    expect((await get(workId(work())))?.record.state).toBe('queued');
    failWith = new BosunError('BOSUN_ERR_CONFIG', 'not a store outage');
    await expect(backend.ensure(ctx, work())).rejects.toMatchObject({ code: 'BOSUN_ERR_CONFIG' });
  });
});
