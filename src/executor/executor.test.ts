import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BosunError } from '../api/errors.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { ToolRegistry } from '../tools/registry.js';
import { defineTool, type AnyTool } from '../tools/tool.js';
import { runStep, type StepRequest } from './executor.js';
import { parseFailpoints } from './failpoints.js';

let calls = 0;
let behaviour: 'ok' | 'pending' | 'unavailable' | 'forbidden' = 'ok';
const tool = defineTool({
  name: 'k8s.scale',
  description: 't',
  params: z.object({ replicas: z.int() }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  async execute(_ctx, p) {
    calls++;
    if (behaviour === 'pending') return { summary: 'waiting', done: false, requeueAfterMs: 500 };
    if (behaviour === 'unavailable') throw new BosunError('BOSUN_ERR_KUBE_UNAVAILABLE', 'connection refused');
    if (behaviour === 'forbidden') throw new BosunError('BOSUN_ERR_KUBE_FORBIDDEN', 'cannot patch deployments');
    return { summary: `scaled to ${p.replicas}` };
  },
});

const setup = (fence = true) => {
  calls = 0;
  const store = new MemoryStateStore();
  const deps = { store, registry: new ToolRegistry([tool] as unknown as AnyTool[]), fence: () => fence };
  const req: StepRequest = {
    uid: 'u',
    planHash: 'h',
    index: 0,
    attempt: 1,
    step: { tool: 'k8s.scale', params: { replicas: 3 } },
    gate: { denylist: [], allowChanges: true },
    client: {} as StepRequest['client'],
    reader: {} as StepRequest['reader'],
    mapper: { resolve: () => Promise.reject(new Error('no discovery in unit tests')) },
    namespace: 'ns',
  };
  return { store, deps, req };
};

describe('runStep', () => {
  it('journals intent then result, and never runs a recorded step again', async () => {
    behaviour = 'ok';
    const { deps, req, store } = setup();
    expect(await runStep(deps, req)).toMatchObject({ kind: 'succeeded', summary: 'scaled to 3' });
    expect(await runStep(deps, req)).toMatchObject({ kind: 'succeeded', summary: 'scaled to 3' });
    expect(calls).toBe(1);
    expect((await store.listJournal('u')).map((e) => e.state)).toEqual(['succeeded']);
  });

  it('runs a step again when only its intent was recorded (a crash between), with the same start time', async () => {
    behaviour = 'ok';
    const { deps, req, store } = setup();
    const { entry } = await store.createJournalEntry(
      { uid: 'u', planHash: 'h', step: 0, attempt: 1 },
      { tool: 'k8s.scale' },
    );
    const out = await runStep(deps, req);
    expect(out).toMatchObject({ kind: 'succeeded', startedAt: entry.createdAt });
    expect(calls).toBe(1);
  });

  it('keeps a waiting step open', async () => {
    behaviour = 'pending';
    const { deps, req, store } = setup();
    expect(await runStep(deps, req)).toMatchObject({ kind: 'pending', requeueAfterMs: 500 });
    expect((await store.listJournal('u'))[0]?.state).toBe('intent');
  });

  it.each([
    { b: 'unavailable' as const, retryable: true },
    { b: 'forbidden' as const, retryable: false },
  ])('records a $b failure (retryable: $retryable) and does not repeat it', async ({ b, retryable }) => {
    behaviour = b;
    const { deps, req } = setup();
    expect(await runStep(deps, req)).toMatchObject({ kind: 'failed', retryable });
    expect(await runStep(deps, req)).toMatchObject({ kind: 'failed', retryable });
    expect(calls).toBe(1);
  });

  it('starts no side effect when this replica is not the leader', async () => {
    behaviour = 'ok';
    const { deps, req } = setup(false);
    await expect(runStep(deps, req)).rejects.toThrow(/BOSUN_ERR_NOT_LEADER/);
    expect(calls).toBe(0);
  });
});

describe('failpoints', () => {
  it('fire by name with their probability, and do nothing when unset', () => {
    let kills = 0;
    const cp = parseFailpoints(
      'after-intent=1,after-tool=0',
      () => 0.5,
      () => void kills++,
    );
    cp('after-intent');
    cp('after-tool');
    expect(kills).toBe(1);
    parseFailpoints(undefined)('after-intent');
  });
});
