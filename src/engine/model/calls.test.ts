import { describe, expect, it } from 'vitest';
import { FORGET_AFTER_MS, ModelCalls } from './calls.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ModelCalls', () => {
  it('runs a call off the caller, enqueues its Goal when done, and hands the outcome over once', async () => {
    const woken: string[] = [];
    const calls = new ModelCalls<number>((k) => woken.push(k));
    let finish = (_v: number) => {};
    const runs: number[] = [];
    const run = () => (runs.push(1), new Promise<number>((r) => (finish = r)));
    calls.start('goal-uid/key', 'ns/g', run);
    calls.start('goal-uid/key', 'ns/g', run); // already running: not asked twice
    expect(runs).toHaveLength(1);
    expect(calls.take('goal-uid/key')).toBe('running');
    finish(42);
    await tick();
    expect(woken).toEqual(['ns/g']);
    expect(calls.take('goal-uid/key')).toEqual({ ok: 42 });
    expect(calls.take('goal-uid/key')).toBeUndefined(); // taken
  });

  it('hands a failure over as one, and forgets results nobody took', async () => {
    let t = 0;
    const calls = new ModelCalls<number>(
      () => {},
      () => t,
    );
    calls.start('a', 'ns/a', async () => Promise.reject(new Error('down')));
    calls.start('b', 'ns/b', async () => 1);
    await tick();
    expect(calls.take('a')).toMatchObject({ err: expect.any(Error) as unknown });
    t += FORGET_AFTER_MS + 1;
    calls.start('c', 'ns/c', async () => 2); // sweeps
    expect(calls.take('b')).toBeUndefined();
  });

  it('runs at most a few calls at once; the others wait their turn, holding no caller', async () => {
    const calls = new ModelCalls<number>(() => {}, undefined, 2);
    const finish: ((v: number) => void)[] = [];
    let started = 0;
    const run = () => (started++, new Promise<number>((r) => finish.push(r)));
    for (const k of ['a', 'b', 'c']) calls.start(k, `ns/${k}`, run);
    expect(started).toBe(2);
    expect(calls.take('c')).toBe('running'); // waiting counts as running
    finish[0]?.(1);
    await tick();
    expect(started).toBe(3);
  });
});
