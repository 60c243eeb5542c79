import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BosunError } from '../api/errors.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { ToolRegistry } from '../tools/registry.js';
import { KubeClient } from '../kube/client.js';
import { core } from '../kube/resources.js';
import type { KubeRequest, KubeRest } from '../kube/rest.js';
import { defineTool, type AnyTool, type ToolContext } from '../tools/tool.js';
import { runStep, type StepRequest } from './executor.js';
import { parseFailpoints } from './failpoints.js';

let calls = 0;
/** what each call's tool was given */
let seen: Pick<ToolContext, 'idempotencyKey' | 'stepStartedAt'>[] = [];
let agents: string[] = [];
let behaviour: 'ok' | 'pending' | 'unavailable' | 'forbidden' = 'ok';
/** runs inside the tool, between its read and its write (where a process may be paused) */
let midTool: (() => void) | undefined;
/** the write requests that reached the (fake) API server */
let sent: KubeRequest[] = [];
const tool = defineTool({
  name: 'k8s.scale',
  description: 't',
  params: z.object({ replicas: z.int() }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, p) {
    calls++;
    seen.push({ idempotencyKey: ctx.idempotencyKey, stepStartedAt: ctx.stepStartedAt });
    agents.push(ctx.client.userAgent);
    if (behaviour === 'pending') return { summary: 'waiting', done: false, requeueAfterMs: 500 };
    if (behaviour === 'unavailable') throw new BosunError('BOSUN_ERR_KUBE_UNAVAILABLE', 'connection refused');
    if (behaviour === 'forbidden') throw new BosunError('BOSUN_ERR_KUBE_FORBIDDEN', 'cannot patch deployments');
    midTool?.();
    await ctx.client.patch(core.deployments, ctx.namespace, 'web', { spec: { replicas: p.replicas } });
    return { summary: `scaled to ${p.replicas}` };
  },
});

/** A real client over a fake connection that records what would be sent. */
const fakeClient = (userAgent: string): KubeClient =>
  new KubeClient(
    {
      userAgent,
      request: async (req: KubeRequest) => {
        sent.push(req);
        return {};
      },
    } as unknown as KubeRest,
    'bosun',
  );

const setup = (fence = true) => {
  calls = 0;
  seen = [];
  agents = [];
  sent = [];
  midTool = undefined;
  const store = new MemoryStateStore();
  const deps = { store, registry: new ToolRegistry([tool] as unknown as AnyTool[]), fence: () => fence };
  const req: StepRequest = {
    uid: 'u',
    planHash: 'h',
    index: 0,
    attempt: 1,
    step: { tool: 'k8s.scale', params: { replicas: 3 } },
    gate: { denylist: [], allowChanges: true },
    client: fakeClient('bosun/op-1'),
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

  it("gives every attempt of a step the first attempt's start time and key, and tags its requests", async () => {
    behaviour = 'unavailable';
    const { deps, req } = setup();
    expect(await runStep(deps, req)).toMatchObject({ kind: 'failed', retryable: true });
    await new Promise((r) => setTimeout(r, 5)); // a later attempt starts later
    behaviour = 'ok';
    expect(await runStep(deps, { ...req, attempt: 2 })).toMatchObject({ kind: 'succeeded' });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0]?.idempotencyKey).toBe('u/h/0');
    expect(agents).toEqual(['bosun/op-1 step=u/h/0', 'bosun/op-1 step=u/h/0']);
    // another step has its own
    await runStep(deps, { ...req, index: 1 });
    expect(seen[2]?.idempotencyKey).toBe('u/h/1');
  });

  it('keeps the start time and key across a crash between intent and result, and across attempts after it', async () => {
    behaviour = 'ok';
    const { deps, req, store } = setup();
    const crash = new Error('SIGKILL');
    const dying = {
      ...deps,
      crashpoint: (name: string) => {
        if (name === 'after-tool') throw crash;
      },
    };
    // attempt 1: the tool runs, the process dies before the result is journalled
    await expect(runStep(dying, req)).rejects.toBe(crash);
    await new Promise((r) => setTimeout(r, 5));
    // a new process (same store): attempt 1 again, then (a lost status write, say) attempt 2
    expect(await runStep(deps, req)).toMatchObject({ kind: 'succeeded' });
    expect(await runStep(deps, { ...req, attempt: 2, client: fakeClient('bosun/op-2') })).toMatchObject({
      kind: 'succeeded',
    });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(agents).toEqual(['bosun/op-1 step=u/h/0', 'bosun/op-1 step=u/h/0', 'bosun/op-2 step=u/h/0']);
    expect((await store.listJournal('u')).map((e) => e.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('retries a step whose answer was lost after its tool ran, with the same start time', async () => {
    behaviour = 'ok';
    const { deps, req } = setup();
    const lossy = { ...deps, crashpoint: parseFailpoints('lost-answer=1', () => 0) };
    expect(await runStep(lossy, req)).toMatchObject({ kind: 'failed', retryable: true });
    await new Promise((r) => setTimeout(r, 5));
    expect(await runStep(lossy, { ...req, attempt: 2 })).toMatchObject({ kind: 'succeeded' });
    expect(calls).toBe(2);
    expect(seen[1]).toEqual(seen[0]);
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

  // a replica paused at each point for longer than its renew deadline resumes with the fence down
  it.each([
    { at: 'after-intent' as const, toolRan: false },
    { at: 'mid-tool' as const, toolRan: true },
    { at: 'after-tool' as const, toolRan: true },
  ])('a fence lost at $at: no later write is sent, no result is recorded', async ({ at, toolRan }) => {
    behaviour = 'ok';
    const { deps, req, store } = setup();
    let leading = true;
    const lose = () => void (leading = false);
    const paused = { ...deps, fence: () => leading, crashpoint: (p: string) => p === at && lose() };
    if (at === 'mid-tool') midTool = lose;
    await expect(runStep(paused, req)).rejects.toThrow(/BOSUN_ERR_NOT_LEADER/);
    expect(calls).toBe(toolRan ? 1 : 0);
    expect(sent).toHaveLength(at === 'after-tool' ? 1 : 0); // after the tool, its write had landed before the pause
    expect((await store.listJournal('u')).map((e) => e.state)).toEqual(['intent']); // the next leader runs it again
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
    expect(() => parseFailpoints('lost-answer=1', () => 0.5)('lost-answer')).toThrow(/BOSUN_ERR_KUBE_UNAVAILABLE/);
    parseFailpoints(undefined)('after-intent');
  });

  it('a stop failpoint freezes the process the first time only', () => {
    let stops = 0;
    const cp = parseFailpoints(
      'after-tool=stop',
      Math.random,
      () => undefined,
      () => void stops++,
    );
    cp('after-intent');
    cp('after-tool');
    cp('after-tool');
    expect(stops).toBe(1);
  });
});
