import { describe, expect, it } from 'vitest';
import { REQUEST_KINDS, type RequestKind } from './e2e-count.js';
import { LOWEST_REQUESTS, TOKEN_REUSE_MS, e2eJson, e2eLines, fmt, type E2eFigures } from './e2e-report.js';
import { summary } from './stats.js';

const requests = (counts: Partial<Record<RequestKind, number>>) =>
  Object.fromEntries(REQUEST_KINDS.map((k) => [k, counts[k] ?? 0])) as Record<RequestKind, number>;

const figures: E2eFigures = {
  goals: 10,
  deployments: 10,
  cluster: { deployments: 10, rolledOut: 10, wallMs: 1000, toRolledOut: summary([100, 200, 900]) },
  succeeded: 10,
  notSucceeded: {},
  createMs: 100,
  wallMs: 5000,
  toSucceeded: summary([1000, 2000, 3000]),
  requests: requests({ subjectaccessreview: 20, tokenrequest: 1, 'goal status': 42, other: 10 }),
  other: { 'get namespaces': 10 },
  reads: { 'before its scale': 30, 'after its scale': 20 },
  etcd: { journal: 40, snapshot: 42, 'step record': 20 },
  transitions: { 'finalizers changed': 10, 'Executing [Succeeded, Running] kept (messages, conditions)': 4 },
  events: { Planned: 10, StepStarted: 8 },
  actions: { ToolCall: 27 },
};

describe('e2eLines', () => {
  const lines = e2eLines(figures);
  it('prints the rate, the latency and each count per Goal beside its least', () => {
    expect(lines[0]).toBe('e2e: 10 two-step scale Goals (one Deployment each), 10 Succeeded');
    expect(lines[1]).toMatch(/^ {2}2 Goals\/s \(first create → last Succeeded 5000 ms; created in 100 ms\)$/);
    expect(lines).toContain('  create → Succeeded: p50 2000 ms, p99 3000 ms (min 1000, max 3000)');
    expect(lines).toContain(
      '  the cluster alone (an admin scales the same Deployments, no Bosun): 10 rolled out, 10/s; ' +
        'patch → rolled out: p50 200 ms, p99 900 ms (min 100, max 900)',
    );
    expect(lines).toContain("  Goals/s ÷ the cluster's rollouts/s: 0.2");
    expect(e2eJson(figures)).toMatchObject({ e2e_cluster_rollouts_per_s: 10, e2e_goals_vs_cluster: 0.2 });
    expect(lines.find((l) => l.includes('subjectaccessreview:'))).toMatch(
      /: 2 \(least 2: README, What Bosun guarantees/,
    );
    expect(lines.find((l) => l.includes('goal status:'))).toMatch(/: 4\.2 \(least 3: /);
    expect(lines.find((l) => l.includes('journal:'))).toMatch(/: 4 \(least 4: /);
  });
  it('says where the rest goes, largest first, per Goal', () => {
    const at = lines.indexOf('    Events by reason:');
    expect(lines.slice(at + 1, at + 3)).toEqual(['      1 Planned', '      0.8 StepStarted']);
    expect(lines).toContain('      0.4 Executing [Succeeded, Running] kept (messages, conditions)');
    expect(lines).toContain('      1 get namespaces');
    expect(lines).toContain('      3 before its scale');
  });
  it('names the Goals that did not succeed', () => {
    expect(e2eLines({ ...figures, succeeded: 9, notSucceeded: { Stalled: 1 } })[0]).toMatch(/not: \{"Stalled":1\}$/);
  });
});

describe('fmt', () => {
  it('keeps what is small visible', () => {
    expect([0, 0.001, 0.0123, 0.1, 4.167, 12].map(fmt)).toEqual(['0', '0.001', '0.012', '0.1', '4.17', '12']);
  });
});

describe('the least the design allows', () => {
  it('counts one executor token per namespace per token lifetime, whatever the Goals', () => {
    expect(LOWEST_REQUESTS.tokenrequest.perGoal({ ...figures, wallMs: TOKEN_REUSE_MS - 1 })).toBe(0.1);
    expect(LOWEST_REQUESTS.tokenrequest.perGoal({ ...figures, wallMs: TOKEN_REUSE_MS + 1 })).toBe(0.2);
  });
});

describe('e2eJson', () => {
  it('has snake_case keys per Goal', () => {
    expect(e2eJson(figures)).toMatchObject({
      e2e_goals: 10,
      e2e_goals_per_s: 2,
      e2e_to_succeeded_p50_ms: 2000,
      e2e_requests_goal_status_per_goal: 4.2,
      e2e_requests_subjectaccessreview_per_goal: 2,
      e2e_etcd_step_record_per_goal: 2,
    });
  });
});
