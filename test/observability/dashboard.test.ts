// The Grafana dashboard (config/grafana/bosun.json): a normal dashboard that
// imports anywhere (its data source a variable), that shows what the
// operator's people look at, and whose every query Prometheus parses (the
// real promtool, BOSUN_PROMTOOL).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dashboardPath, dashboardQueries, promtool, withoutVariables } from './promql.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { datasource?: { uid?: string }; expr?: string }[];
}
interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;

describe('the dashboard', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-dashboard-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes its Prometheus data source from a variable, in every panel and query', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe('${datasource}');
    }
  });

  it('lays its panels out on the 24-column grid, each with its own id', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
  });

  it("shows the operator's work, as the issue asks", () => {
    const queries = dashboardQueries().map((q) => q.expr);
    const shows = (metric: string) => queries.some((q) => q.includes(metric));
    for (const metric of [
      'bosun_reconcile_total',
      'bosun_workqueue_depth',
      'bosun_plan_steps_total',
      'bosun_approval_waiting_seconds',
      'bosun_llm_tokens_total',
      'bosun_llm_cost_total',
      'bosun_llm_budget_used',
      'bosun_phase_transitions_total{job=~"$job", kind="Remediation"',
      'bosun_phase_transitions_total{job=~"$job", kind="PipelineRun"',
      'bosun_pipeline_stage_duration_seconds_bucket',
      'bosun_store_operations_total',
      'bosun_store_up',
      'bosun_leader',
    ])
      expect(shows(metric), metric).toBe(true);
    expect(queries.filter((q) => q.includes('histogram_quantile(0.95')).length).toBeGreaterThanOrEqual(3);
  });

  it('has queries that all parse as PromQL (promtool check rules, each query a recording rule)', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    const file = join(dir, 'dashboard.yaml');
    const recorded = queries.map((q, i) => ({ record: `bosun_dashboard:query_${i}`, expr: withoutVariables(q.expr) }));
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: recorded }] }));
    const res = promtool('check', 'rules', file);
    const failing = queries.filter((_q, i) => new RegExp(`query_${i}\\b`).test(res.output)).map((q) => q.panel);
    expect(res.status, `${res.output}\npanels: ${failing.join(', ')}`).toBe(0);
  });
});
