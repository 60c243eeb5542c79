// The end-to-end Goal bench's figures, the least the design allows for each
// count, and how run.ts prints them. Pure.
//
// The least the design allows, per two-step scale Goal (k8s.scale, then
// k8s.wait-for-condition) that runs without an approval, from the design the
// README states ("What a Goal does", "What Bosun guarantees") and the code it
// names; each number says where it comes from. What is measured
// above it is printed beside it, and where the rest goes is printed from the
// breakdowns the bench keeps (status writes by transition, Events by reason,
// action-log entries by action, "other" requests by verb and resource).
import type { ClusterRollouts } from './e2e-cluster.js';
import type { RequestKind } from './e2e-count.js';
import { round, type summary } from './stats.js';

export type Summary = ReturnType<typeof summary>;

export interface E2eFigures {
  goals: number;
  /** Deployments the Goals scale (one each) */
  deployments: number;
  /** the same Deployments scaled by an admin without Bosun, before the Goals (lib/e2e-cluster.ts) */
  cluster: ClusterRollouts;
  succeeded: number;
  /** how the Goals that did not reach Succeeded ended (their last phase) */
  notSucceeded: Record<string, number>;
  /** first create → last create (the bench's burst) */
  createMs: number;
  /** first create → last Succeeded */
  wallMs: number;
  /** create (the bench's create call answered) → the watch's first Succeeded, per Goal */
  toSucceeded: Summary;
  /** API requests by Bosun's identities in the window, by kind (totals) */
  requests: Record<RequestKind, number>;
  /** the "other" requests by verb and resource (totals) */
  other: Record<string, number>;
  /** the reads of the Deployments, by when (totals) */
  reads: Record<string, number>;
  /** puts into Bosun's etcd in the window, by key prefix (totals) */
  etcd: Record<string, number>;
  /** the Goals' changes the watch saw, by transition (totals) */
  transitions: Record<string, number>;
  /** Events in the namespace by reason, counting each occurrence (totals) */
  events: Record<string, number>;
  /** action-log entries put in the window, by action (totals) */
  actions: Record<string, number>;
}

/** The executor token's lifetime (EXECUTOR_TOKEN_SECONDS) less the margin in which it is not handed out. */
export const TOKEN_REUSE_MS = (600 - 120) * 1000;

interface Lowest {
  /** per Goal */
  perGoal: (f: E2eFigures) => number;
  why: string;
}

/** API requests per Goal. */
export const LOWEST_REQUESTS: Record<RequestKind, Lowest> = {
  subjectaccessreview: {
    perGoal: () => 2,
    why: 'README, What Bosun guarantees: the mutating step (k8s.scale) is checked at planning and again before it runs',
  },
  tokenrequest: {
    perGoal: (f) => Math.ceil(f.wallMs / TOKEN_REUSE_MS) / f.goals,
    why: 'one executor token per namespace per token lifetime (600 s, not handed out in its last 120 s)',
  },
  'goal status': {
    perGoal: () => 3,
    why: 'written once per change a person must see: the plan (Executing) before a side effect, each step done',
  },
  'goal finalizer': {
    perGoal: () => 1,
    why: 'the finalizer first, before anything else is written (an update of the Goal)',
  },
  'tool write': { perGoal: () => 1, why: 'the scale: one PATCH of deployments/scale as the executor' },
  'tool dry-run': {
    perGoal: () => 1,
    why: 'README, What a Goal does: each mutating step is dry-run as the executor before the plan runs (its diff)',
  },
  'tool read': {
    perGoal: () => 2,
    why: 'the target read once to plan, and the rollout checked once (it is done when first checked)',
  },
  event: {
    perGoal: () => 4,
    why: 'one per decision and step transition: Planned, StepSucceeded ×2, and Succeeded',
  },
  other: { perGoal: () => 0, why: 'nothing else is needed per Goal (informers list and watch once per process)' },
};

/** Puts into Bosun's etcd per Goal, by key prefix. */
export const LOWEST_ETCD: Record<string, Lowest> = {
  journal: { perGoal: () => 4, why: 'README, What a Goal does: intent before the tool runs, result after; two steps' },
  snapshot: { perGoal: () => 3, why: "the full status beside each status write: Bosun's record of what it decided" },
  'action log': { perGoal: () => 2, why: 'the tool registry records each call; two tool calls that finished' },
  'step record': { perGoal: () => 0, why: "not in the README's design: the first attempt's start time, kept per step" },
  'change index': {
    perGoal: () => 0,
    why: "not in the README's design: the last change to a workload, for a later diagnosis",
  },
};

const perGoal = (n: number, goals: number) => (goals ? n / goals : NaN);
/** Two decimals, or two significant digits below 0.1 (one TokenRequest for 1,000 Goals is 0.001, not 0). */
export const fmt = (n: number) => String(n === 0 || Math.abs(n) >= 0.1 ? round(n, 2) : Number(n.toPrecision(2)));

/** One line per kind: measured per Goal beside the least, and why that is the least. */
function against(totals: Record<string, number>, lowest: Record<string, Lowest>, f: E2eFigures): string[] {
  const kinds = [...new Set([...Object.keys(lowest), ...Object.keys(totals)])];
  return kinds.map((k) => {
    const low = lowest[k];
    const actual = perGoal(totals[k] ?? 0, f.goals);
    const least = low ? fmt(low.perGoal(f)) : '?';
    return `    ${k}: ${fmt(actual)} (least ${least}${low ? `: ${low.why}` : ''})`;
  });
}

/** A breakdown, largest first, per Goal. */
function breakdown(title: string, counts: Record<string, number>, goals: number, top = 12): string[] {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const lines = rows.slice(0, top).map(([k, n]) => `      ${fmt(perGoal(n, goals))} ${k}`);
  if (rows.length > top) lines.push(`      … ${rows.length - top} more`);
  return [`    ${title}:`, ...lines];
}

export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The phase's lines, as run.ts prints them. */
export function e2eLines(f: E2eFigures): string[] {
  const ms = (s: Summary) =>
    `p50 ${round(s.p50)} ms, p99 ${round(s.p99)} ms (min ${round(s.min)}, max ${round(s.max)})`;
  const lines = [
    `e2e: ${f.goals} two-step scale Goals (one Deployment each), ${f.succeeded} Succeeded` +
      (Object.keys(f.notSucceeded).length ? `, not: ${JSON.stringify(f.notSucceeded)}` : ''),
    `  ${round(goalsPerSecond(f), 2)} Goals/s (first create → last Succeeded ${round(f.wallMs)} ms; ` +
      `created in ${round(f.createMs)} ms)`,
    `  create → Succeeded: ${ms(f.toSucceeded)}`,
    `  the cluster alone (an admin scales the same Deployments, no Bosun): ${f.cluster.rolledOut} rolled out, ` +
      `${round(clusterPerSecond(f), 2)}/s; patch → rolled out: ${ms(f.cluster.toRolledOut)}`,
    `  Goals/s ÷ the cluster's rollouts/s: ${round(goalsVsCluster(f), 2)}`,
    `  API requests per Goal by Bosun (its own identity and the executor's), ` +
      `${fmt(perGoal(sum(f.requests), f.goals))} in all:`,
    ...against(f.requests, LOWEST_REQUESTS, f),
    `  puts into Bosun's etcd per Goal, ${fmt(perGoal(sum(f.etcd), f.goals))} in all:`,
    ...against(f.etcd, LOWEST_ETCD, f),
    '  where the rest goes (per Goal):',
    ...breakdown('status writes and the finalizer, by what the watch saw change', f.transitions, f.goals),
    ...breakdown('reads of the Deployments, by when', f.reads, f.goals),
    ...breakdown('Events by reason', f.events, f.goals),
    ...breakdown('action-log entries by action', f.actions, f.goals),
    ...breakdown('other requests', f.other, f.goals, 8),
  ];
  return lines;
}

export const goalsPerSecond = (f: E2eFigures) => (f.wallMs > 0 ? f.succeeded / (f.wallMs / 1000) : NaN);
export const clusterPerSecond = (f: E2eFigures) =>
  f.cluster.wallMs > 0 ? f.cluster.rolledOut / (f.cluster.wallMs / 1000) : NaN;
const goalsVsCluster = (f: E2eFigures) => goalsPerSecond(f) / clusterPerSecond(f);

const snake = (s: string) => s.replace(/[^a-z0-9]+/gi, '_').toLowerCase();

/** The figures for run.ts's JSON line. */
export function e2eJson(f: E2eFigures): Record<string, unknown> {
  const json: Record<string, unknown> = {
    e2e_goals: f.goals,
    e2e_succeeded: f.succeeded,
    e2e_goals_per_s: round(goalsPerSecond(f), 2),
    e2e_wall_ms: round(f.wallMs),
    e2e_to_succeeded_p50_ms: round(f.toSucceeded.p50),
    e2e_to_succeeded_p99_ms: round(f.toSucceeded.p99),
    e2e_cluster_rollouts_per_s: round(clusterPerSecond(f), 2),
    e2e_cluster_to_rolled_out_p99_ms: round(f.cluster.toRolledOut.p99),
    e2e_goals_vs_cluster: round(goalsVsCluster(f), 2),
    e2e_requests_per_goal: round(perGoal(sum(f.requests), f.goals), 2),
    e2e_etcd_puts_per_goal: round(perGoal(sum(f.etcd), f.goals), 2),
  };
  for (const [k, n] of Object.entries(f.requests)) json[`e2e_requests_${snake(k)}_per_goal`] = round(n / f.goals, 3);
  for (const [k, n] of Object.entries(f.etcd)) json[`e2e_etcd_${snake(k)}_per_goal`] = round(n / f.goals, 3);
  return json;
}
