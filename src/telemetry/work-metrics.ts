// The metrics of Bosun's work, for its dashboard and alerts
// (config/grafana/bosun.json, config/prometheus/rules.yaml): plan steps and
// phases, pending Approvals, LLM budgets, pipeline stages, and whether Bosun's
// etcd answers. Some gauges are read at scrape time from whoever owns the
// data (the Approval and subject caches, the budget bookkeeping): each sets
// its reader in `scrape`, and a gauge with no reader shows nothing.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** An Approval nobody has decided yet: how long it has waited, and how long it may wait in all. */
export interface PendingApproval {
  namespace: string;
  name: string;
  waitingSeconds: number;
  ttlSeconds: number;
}

/** How many objects of a kind are in a phase. */
export interface PhaseCount {
  phase: string;
  count: number;
}

/** A namespace's daily LLM budget: what today (UTC) has used of it. */
export interface BudgetUse {
  namespace: string;
  budget: 'tokens_per_day' | 'usd_per_day';
  used: number;
  limit: number;
}

/** The readers of the scrape-time gauges. */
export interface ScrapeSources {
  approvals?: () => readonly PendingApproval[];
  /** by kind (Goal, Remediation, PipelineRun) */
  phases: Map<string, () => readonly PhaseCount[]>;
  budgets?: () => readonly BudgetUse[];
}

export function workMetrics(registers: Registry[]) {
  const scrape: ScrapeSources = { phases: new Map() };
  return {
    scrape,
    planSteps: new Counter({
      name: 'bosun_plan_steps_total',
      help:
        'Plan steps that ended or were retried, by kind, tool, mode (auto, plan-only) ' +
        'and result (Succeeded, Failed, Retrying)',
      labelNames: ['kind', 'tool', 'mode', 'result'] as const,
      registers,
    }),
    phaseTransitions: new Counter({
      name: 'bosun_phase_transitions_total',
      help: 'Goals, Remediations and PipelineRuns that entered a phase, by kind and phase',
      labelNames: ['kind', 'phase'] as const,
      registers,
    }),
    objects: new Gauge({
      name: 'bosun_objects',
      help: 'Goals, Remediations and PipelineRuns in the cache, by kind and phase (None: no status yet)',
      labelNames: ['kind', 'phase'] as const,
      registers,
      collect() {
        this.reset();
        for (const [kind, read] of scrape.phases) for (const p of read()) this.set({ kind, phase: p.phase }, p.count);
      },
    }),
    approvalWaiting: new Gauge({
      name: 'bosun_approval_waiting_seconds',
      help: 'How long each pending Approval has waited for its decisions (gone once decided, expired or superseded)',
      labelNames: ['namespace', 'name'] as const,
      registers,
      collect() {
        this.reset();
        for (const a of scrape.approvals?.() ?? [])
          this.set({ namespace: a.namespace, name: a.name }, a.waitingSeconds);
      },
    }),
    approvalTTL: new Gauge({
      name: 'bosun_approval_ttl_seconds',
      help: "How long each pending Approval may wait in all (spec.expiresAt less its creation), the RiskPolicy's TTL",
      labelNames: ['namespace', 'name'] as const,
      registers,
      collect() {
        this.reset();
        for (const a of scrape.approvals?.() ?? []) this.set({ namespace: a.namespace, name: a.name }, a.ttlSeconds);
      },
    }),
    budgetUsed: new Gauge({
      name: 'bosun_llm_budget_used',
      help:
        "What a namespace's daily LLM budget has used today (UTC), " +
        'by namespace and budget (tokens_per_day, usd_per_day)',
      labelNames: ['namespace', 'budget'] as const,
      registers,
      collect() {
        this.reset();
        for (const b of scrape.budgets?.() ?? []) this.set({ namespace: b.namespace, budget: b.budget }, b.used);
      },
    }),
    budgetLimit: new Gauge({
      name: 'bosun_llm_budget_limit',
      help: "A namespace's daily LLM budget (the RiskPolicy's, or the default token budget), by namespace and budget",
      labelNames: ['namespace', 'budget'] as const,
      registers,
      collect() {
        this.reset();
        for (const b of scrape.budgets?.() ?? []) this.set({ namespace: b.namespace, budget: b.budget }, b.limit);
      },
    }),
    stageDuration: new Histogram({
      name: 'bosun_pipeline_stage_duration_seconds',
      help: 'Pipeline stages that ended, from their first start to their end, by agent, run_on and result',
      labelNames: ['agent', 'run_on', 'result'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    }),
    runDuration: new Histogram({
      name: 'bosun_pipelinerun_duration_seconds',
      help: 'PipelineRuns that ended, from their start to their end, by phase (Succeeded, Failed, Cancelled)',
      labelNames: ['phase'] as const,
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
      registers,
    }),
    storeUp: new Gauge({
      name: 'bosun_store_up',
      help: "1 while Bosun's etcd answers, 0 from an operation that found it unreachable until one that reaches it",
      registers,
    }),
  };
}
