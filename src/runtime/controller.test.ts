import { describe, expect, it } from 'vitest';
import { BosunError } from '../api/errors.js';
import { createLogger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import { FakeClock } from './clock.js';
import { Controller, TerminalError, type Reconcile } from './controller.js';
import { WorkQueue } from './queue.js';

const setup = (reconcile: Reconcile) => {
  const clock = new FakeClock();
  const metrics = createMetrics({ defaultMetrics: false });
  const queue = new WorkQueue({ clock });
  const c = new Controller({ name: 'test', reconcile, log: createLogger({ level: 'silent' }), metrics, queue });
  return { c, clock, queue, metrics };
};

const count = async (metrics: ReturnType<typeof createMetrics>, result: string) =>
  (await metrics.reconcileTotal.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

describe('Controller', () => {
  it.each([
    { why: 'a plain success forgets the key', reconcile: async () => {}, outcome: 'success', requeued: false },
    {
      why: 'requeueAfter adds the key later',
      reconcile: async () => ({ requeueAfter: 1000 }),
      outcome: 'requeue',
      requeued: true,
    },
    {
      why: 'a BosunError backs off',
      reconcile: async () => {
        throw new BosunError('BOSUN_ERR_KUBE_UNAVAILABLE', 'down');
      },
      outcome: 'error',
      requeued: true,
    },
    {
      why: 'a TerminalError is not retried',
      reconcile: async () => {
        throw new TerminalError('cannot');
      },
      outcome: 'terminal',
      requeued: false,
    },
    {
      why: 'a bug (TypeError) is caught, counted as panic and retried',
      reconcile: async () => {
        throw new TypeError('x is undefined');
      },
      outcome: 'panic',
      requeued: true,
    },
  ])('$why', async ({ reconcile, outcome, requeued }) => {
    const { c, clock, queue, metrics } = setup(reconcile as Reconcile);
    expect(await c.processOne('ns/a')).toBe(outcome);
    expect(await count(metrics, outcome)).toBe(1);
    clock.advance(2000);
    expect(queue.length).toBe(requeued ? 1 : 0);
  });

  it('runs workers until stopped, never two on one key', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const { c } = setup(async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    });
    c.start();
    for (let i = 0; i < 20; i++) c.enqueue('ns/same');
    await new Promise((r) => setTimeout(r, 50));
    expect(maxRunning).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(await c.stop(1000)).toBe(0);
  });

  it('bounds how long stop() waits for a stuck reconcile', async () => {
    const { c } = setup(() => new Promise(() => {}));
    c.start();
    c.enqueue('ns/stuck');
    await new Promise((r) => setTimeout(r, 10));
    expect(await c.stop(50)).toBe(1);
  });
});
