import { describe, expect, it } from 'vitest';
import { healJson, healLines, type HealFigures } from './heal-report.js';
import { summary } from './stats.js';

const figures = (planner: HealFigures['planner'], base: number, extra: Partial<HealFigures> = {}): HealFigures => ({
  planner,
  alerts: 2,
  healed: 2,
  notHealed: {},
  verifySeconds: 10,
  gapMs: 200,
  own: summary([base, base + 10]),
  total: summary([10_000 + base]),
  rollout: summary([1000]),
  window: summary([9000]),
  toRollback: summary([base / 2]),
  notice: summary([5]),
  close: summary([6]),
  toPlan: summary([base / 4]),
  intake: summary([120]),
  resolvedLate: 0,
  resolvedLateMax: 0,
  creationSkew: summary([300]),
  ...extra,
});

describe('healLines', () => {
  const rules = figures('rules', 400);
  const model = figures('llm', 800, { modelCalls: 2 });

  it("prints each figure's row with the rules' and the model's side by side", () => {
    const lines = healLines([rules, model]);
    expect(lines[0]).toBe(
      'heal, 2 alerts per planner, 200 ms apart (verifySeconds 10), Healed: rules 2 of 2, model 2 of 2',
    );
    const own = lines.find((l) => l.includes("Bosun's own time"));
    expect(own).toMatch(/rules p50 400 ms, p99 410 ms \(min 400, max 410\) \| model p50 800 ms, p99 810 ms/);
    expect(lines.find((l) => l.includes('plan exists'))).toMatch(/rules p50 100 ms.* \| model p50 200 ms/);
  });

  it('says how often the model was asked, and what did not heal, only when there is something to say', () => {
    expect(healLines([rules, model])).toContain('  model calls for the measured heals: 2 for 2 alerts');
    expect(healLines([rules, model]).some((l) => l.includes('not Healed'))).toBe(false);
    const failed = healLines([rules, { ...model, healed: 1, notHealed: { 'Escalated (Flapping)': 1 } }]);
    expect(failed).toContain('  not Healed, by phase (reason): rules {} | model {"Escalated (Flapping)":1}');
  });

  it("prints the throughput against the rate the alerts came at, and each run's time", () => {
    const lines = healLines([
      { ...rules, spanMs: 40_000, healsPerSecond: 2.5, elapsedMs: 95_400 },
      { ...model, healed: 0 },
    ]);
    expect(lines.find((l) => l.includes('throughput'))).toBe(
      '  throughput, first alert received → last Healed (window and rollouts in it): ' +
        'rules 2.5 Remediations/s (2 in 40 s; alerts came at 5/s) | model none healed',
    );
    expect(lines).toContain("  the run's time in all (set-up included): rules 95.4 s | model NaN s");
  });

  it("prints the operator's own account when it was read", () => {
    const operator = {
      reconciles: { success: 30, requeue: 12 },
      reconcileMs: 52.34,
      queueWaitMs: 2000,
      retries: 3,
      apiRequests: 1005,
      apiThrottled: 4,
      apiUnanswered: 1,
      storeErrors: 0,
      cpuSeconds: 80.04,
    };
    const line = healLines([{ ...rules, operator }, model]).find((l) => l.includes("operator's metrics"));
    expect(line).toContain(
      'rules reconciles {"success":30,"requeue":12}, mean 52.3 ms, mean queue wait 2000 ms, 3 backoff retries; ' +
        '1005 API requests (4 answered 429, 1 unanswered); 0 etcd errors; 80 s of CPU | model not read',
    );
  });

  it('prints a missing warm-up as such, and nothing for no runs', () => {
    const warm = { totalMs: 0, rolloutMs: 0, windowMs: 0, ownMs: 512.34 } as HealFigures['warmUp'];
    const lines = healLines([{ ...rules, warmUp: warm }, model]);
    expect(lines).toContain("  warm-up heal (not counted), Bosun's own time: rules 512.3 ms | model did not heal");
    expect(healLines([])).toEqual([]);
  });
});

describe('healJson', () => {
  it("keeps the rules' keys as they were and puts the model's beside them", () => {
    const json = healJson([
      figures('rules', 400, { spanMs: 40_000, healsPerSecond: 2.5, elapsedMs: 95_400 }),
      figures('llm', 800, { modelCalls: 3 }),
    ]);
    expect(json).toMatchObject({
      heal_alerts: 2,
      heal_healed: 2,
      heal_own_p50_ms: 400,
      heal_to_plan_p50_ms: 100,
      heal_model_alerts: 2,
      heal_model_own_p50_ms: 800,
      heal_model_to_plan_p50_ms: 200,
      heal_model_calls: 3,
      heal_gap_ms: 200,
      heal_per_s: 2.5,
      heal_span_ms: 40_000,
      heal_elapsed_ms: 95_400,
    });
    expect(json).not.toHaveProperty('heal_model_per_s');
    expect(json).not.toHaveProperty('heal_calls');
    expect(json).not.toHaveProperty('heal_model_planner');
  });
});
