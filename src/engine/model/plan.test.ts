import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RiskPolicySpec } from '../../api/v1alpha1/risk-policy.js';
import type { ModelClient, PlanCall } from '../../llm/model.js';
import { MemoryStateStore } from '../../store/memory-store.js';
import { createLogger, SecretMasker } from '../../telemetry/logger.js';
import { ProviderHealth } from './health.js';
import { planWithModel, type LlmOutcome } from './plan.js';
import { ModelCalls } from './calls.js';
import { dailyCounters, type DailyBudgetUse } from './budget.js';
import { API_KEY, cluster, goal, input, model, NS, policy, scalePlan } from './plan.testkit.js';

describe('planWithModel', () => {
  it('adds the API key to the secret sink before the model is called, so no log line shows it', async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const out = await planWithModel(
      input({ client: cluster(), goal: goal('u1'), secrets: masker, connect: () => connectTo }),
    );
    expect('plan' in out).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.keyRegistered).toBe(true);
    const lines: string[] = [];
    const destination = new Writable({
      write: (chunk: Buffer, _enc, cb) => void (lines.push(chunk.toString()), cb()),
    });
    createLogger({ destination, masker }).error({ err: new Error(`401 invalid x-api-key ${API_KEY}`) }, 'call');
    expect(lines.join('')).not.toContain(API_KEY);
  });

  it("does not ask again when only the evidence or the policy's levels changed; does when the request did", async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const store = new MemoryStateStore();
    const client = cluster();
    const base = { client, secrets: masker, store, connect: () => connectTo };
    await planWithModel(input({ ...base, goal: goal('u2') }));
    const again = await planWithModel(
      input({ ...base, goal: goal('u2'), evidence: async () => [{ source: 'events', value: 'a new Event' }] }),
    );
    expect(calls).toHaveLength(1);
    expect(again).toMatchObject({ usage: { inputTokens: 0, outputTokens: 0, usd: 0 } }); // reused: costs nothing
    await planWithModel(input({ ...base, goal: goal('u2', { goal: 'checkout is slow: restart it' }) }));
    await planWithModel(input({ ...base, goal: goal('u2'), policy: policy({}, 'demo/default@2') }));
    expect(calls).toHaveLength(2); // a new policy version judges the same plan: no new call
    await planWithModel(input({ ...base, goal: goal('u2'), policy: policy({ maxStepsPerPlan: 3 }, 'demo/default@3') }));
    expect(calls).toHaveLength(3); // the step limit is in the prompt: a new request
  });

  it("returns a wait, and calls nothing, when the provider's tokens per minute have no room", async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const client = cluster({ rateLimits: { requestsPerMinute: 60, tokensPerMinute: 500 } });
    const base = { client, secrets: masker, connect: () => connectTo };
    const first = await planWithModel(input({ ...base, goal: goal('u3') })); // a full bucket lets one big prompt go
    expect('plan' in first).toBe(true);
    const second = await planWithModel(input({ ...base, goal: goal('u4') }));
    expect(second).toMatchObject({ why: expect.stringMatching(/allows 500 tokens a minute/) as unknown });
    expect('waitMs' in second && second.waitMs).toBeGreaterThan(20_000); // 200 tokens used: 24 s to refill
    expect(calls).toHaveLength(1);
  });

  it('counts cost per namespace per day in micro-dollars, and stops before a call once it is spent', async () => {
    const masker = new SecretMasker();
    const { calls, client: connectTo } = model(masker);
    const store = new MemoryStateStore();
    const now = new Date('2026-03-01T10:00:00Z');
    const readings: DailyBudgetUse[] = [];
    const base = {
      client: cluster(),
      secrets: masker,
      store,
      now,
      connect: () => connectTo,
      policy: policy({ maxCostPerNamespacePerDayUSD: 0.002 }),
      onBudget: (u: DailyBudgetUse) => void readings.push(u),
    };
    await planWithModel(input({ ...base, goal: goal('u5') }));
    const counters = dailyCounters(NS, now);
    expect(await store.getUsage(counters.microUSD)).toBe(120 * 3 + 80 * 15); // $0.00156
    expect(await store.getUsage(counters.tokens)).toBe(200);
    // the metrics are told the day's use when it is read, and again after the round is counted
    const day = { namespace: NS, day: '2026-03-01', tokenLimit: 2_000_000, costLimitUSD: 0.002 };
    expect(readings).toEqual([
      { ...day, tokens: 0, microUSD: 0 },
      { ...day, tokens: 200, microUSD: 1560 },
    ]);
    await planWithModel(input({ ...base, goal: goal('u6') })); // $0.00156 < $0.002: asked, now $0.00312
    const third = await planWithModel(input({ ...base, goal: goal('u7') }));
    expect(third).toMatchObject({ stall: { reason: 'BudgetExceeded' } });
    expect(calls).toHaveLength(2);
    const tomorrow = await planWithModel(input({ ...base, goal: goal('u7'), now: new Date('2026-03-02T00:00:01Z') }));
    expect('plan' in tomorrow).toBe(true);
  });

  describe('what the model costs', () => {
    const scripted = (
      answers: (Error | { input: unknown; usage: { inputTokens: number; outputTokens: number } })[],
    ) => {
      const calls: PlanCall[] = [];
      const client: ModelClient = {
        provider: 'anthropic',
        propose: async (call) => {
          calls.push(call);
          const next = answers.shift();
          if (!next || next instanceof Error) throw next ?? new Error('no more answers');
          return next;
        },
      };
      return { calls, client };
    };
    const bad = { input: { steps: 'not a list' }, usage: { inputTokens: 100, outputTokens: 50 } };
    const down = Object.assign(new Error('<html>internal: token=abc123</html>'), { status: 503 });

    it("counts a paid round even when a later round fails, and never echoes the provider's answer", async () => {
      const store = new MemoryStateStore();
      const { calls, client: m } = scripted([bad, down]);
      const out = await planWithModel(
        input({ client: cluster(), goal: goal('c1'), secrets: new SecretMasker(), store, connect: () => m }),
      );
      expect(calls).toHaveLength(2);
      expect(out).toMatchObject({
        usage: { inputTokens: 100, outputTokens: 50 },
        unavailable: { reason: 'ProviderUnavailable' },
      });
      expect(JSON.stringify(out)).not.toMatch(/html|abc123/);
      expect(await store.getUsage(dailyCounters(NS, new Date('2026-03-01T10:00:00Z')).tokens)).toBe(150);
    });

    it('backs a failing provider off for every Goal, with the same words each time', async () => {
      const health = new ProviderHealth();
      const { calls, client: m } = scripted([down]);
      const client = cluster();
      const base = { client, secrets: new SecretMasker(), health, connect: () => m };
      const first = await planWithModel(input({ ...base, goal: goal('c2') }));
      const second = await planWithModel(input({ ...base, goal: goal('c3') }));
      expect(calls).toHaveLength(1);
      expect(second).toMatchObject({
        waitMs: expect.any(Number) as unknown,
        unavailable: { reason: 'ProviderUnavailable' },
      });
      const said = (o: typeof first) => ('unavailable' in o ? o.unavailable?.message : undefined);
      expect(said(second)).toBe(said(first));
      expect(said(first)).toMatch(/HTTP 503/);
    });

    it('counts a provider that reports no usage by the estimate, never as free', async () => {
      const store = new MemoryStateStore();
      const { client: m } = scripted([{ input: scalePlan, usage: { inputTokens: 0, outputTokens: 0 } }]);
      const out = await planWithModel(
        input({ client: cluster(), goal: goal('c4'), secrets: new SecretMasker(), store, connect: () => m }),
      );
      expect('plan' in out && out.usage.inputTokens).toBeGreaterThan(100);
      expect('plan' in out && out.usage.outputTokens).toBeGreaterThan(10);
      expect(await store.getUsage(dailyCounters(NS, new Date('2026-03-01T10:00:00Z')).tokens)).toBeGreaterThan(110);
    });

    it('caps the answer by what the budget has left, and does not call when the prompt alone would not fit', async () => {
      const { calls, client: m } = scripted([{ input: scalePlan, usage: { inputTokens: 10, outputTokens: 10 } }]);
      const base = { client: cluster(), secrets: new SecretMasker(), connect: () => m };
      await planWithModel(input({ ...base, goal: goal('c5', { budget: { maxTokens: 3000 } }) }));
      expect(calls[0]?.maxTokens).toBeLessThan(3000);
      expect(calls[0]?.maxTokens).toBeGreaterThanOrEqual(256);
      const tight = await planWithModel(input({ ...base, goal: goal('c6', { budget: { maxTokens: 300 } }) }));
      expect(tight).toMatchObject({
        stall: { reason: 'BudgetExceeded', message: expect.stringMatching(/would need about/) as unknown },
      });
      expect(calls).toHaveLength(1);
    });

    it('has a budget when neither the Goal nor the RiskPolicy sets one', async () => {
      const { calls, client: m } = scripted([]);
      const spent = { ...goal('c7'), status: { cost: { tokens: 100_000, usd: 0 } } };
      const out = await planWithModel(
        input({ client: cluster(), goal: spent, secrets: new SecretMasker(), connect: () => m }),
      );
      expect(out).toMatchObject({
        stall: { reason: 'BudgetExceeded', message: expect.stringMatching(/the default budget/) as unknown },
      });
      expect(calls).toHaveLength(0);
    });

    it('makes no call beyond the requests a minute allows, and never sleeps for it', async () => {
      const { calls, client: m } = scripted([{ input: scalePlan, usage: { inputTokens: 10, outputTokens: 10 } }]);
      const client = cluster({ rateLimits: { requestsPerMinute: 1 } });
      const base = { client, secrets: new SecretMasker(), connect: () => m };
      await planWithModel(input({ ...base, goal: goal('c8') }));
      const started = performance.now();
      const second = await planWithModel(input({ ...base, goal: goal('c9') }));
      expect(second).toMatchObject({
        waitMs: expect.any(Number) as unknown,
        why: expect.stringMatching(/1 calls a minute/) as unknown,
      });
      expect(performance.now() - started).toBeLessThan(30_000); // did not wait out the minute (a bound, not a timing)
      expect(calls).toHaveLength(1);
    });
  });

  describe('what the model is offered and where it is asked', () => {
    it("offers only tools the Goal, the RiskPolicy's allow list and its deny list all let through", async () => {
      const masker = new SecretMasker();
      const { calls, client: m } = model(masker);
      const p = {
        ...policy(),
        spec: RiskPolicySpec.parse({ tools: { allow: ['k8s.scale', 'k8s.get', 'k8s.logs'], deny: ['k8s.logs'] } }),
      };
      await planWithModel(input({ client: cluster(), goal: goal('o1'), secrets: masker, policy: p, connect: () => m }));
      const offered = [...(calls[0]?.call.system ?? '').matchAll(/^- ([\w.-]+):/gm)].map((x) => x[1]);
      expect(offered.sort()).toEqual(['k8s.get', 'k8s.scale']);
    });

    it.each([
      { why: 'the cloud metadata endpoint', baseURL: 'http://169.254.169.254/latest' },
      { why: 'a host not listed', baseURL: 'https://llm.attacker.example' },
    ])('refuses a ModelProvider that points at $why, before reading its Secret or calling', async ({ baseURL }) => {
      const masker = new SecretMasker();
      const { calls, client: m } = model(masker);
      const out = await planWithModel(
        input({ client: cluster({ baseURL }), goal: goal('o2'), secrets: masker, connect: () => m }),
      );
      expect(out).toMatchObject({
        stall: { reason: 'ModelEndpointNotAllowed', message: expect.stringMatching(/--model-endpoints/) as unknown },
      });
      expect(calls).toHaveLength(0);
      expect(masker.size).toBe(0);
    });
  });

  it('runs the call off the reconcile: returns at once, wakes the Goal when done, hands its usage over once', async () => {
    const masker = new SecretMasker();
    let answer = (_v: unknown) => {};
    const calls: PlanCall[] = [];
    const m: ModelClient = {
      provider: 'anthropic',
      propose: (call) => (
        calls.push(call),
        new Promise((r) => (answer = () => r({ input: scalePlan, usage: { inputTokens: 120, outputTokens: 80 } })))
      ),
    };
    const woken: string[] = [];
    const inFlight = new ModelCalls<LlmOutcome>((k) => woken.push(k));
    const base = { client: cluster(), goal: goal('bg'), secrets: masker, calls: inFlight, connect: () => m };
    const store = new MemoryStateStore();
    expect(await planWithModel(input({ ...base, store }))).toMatchObject({
      why: expect.stringMatching(/asking/) as unknown,
    });
    expect(await planWithModel(input({ ...base, store }))).toMatchObject({ why: 'the model is still being asked' });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toHaveLength(1);
    answer(undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(woken).toEqual([`${NS}/g-bg`]);
    expect(await planWithModel(input({ ...base, store }))).toMatchObject({
      usage: { inputTokens: 120, outputTokens: 80 },
    });
    expect(await planWithModel(input({ ...base, store }))).toMatchObject({
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    expect(calls).toHaveLength(1);
  });
});
