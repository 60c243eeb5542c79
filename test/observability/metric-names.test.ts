// Every metric the alert rules and the dashboard name is one the operator
// really exports: a renamed or removed metric fails here, not on a quiet
// dashboard or an alert that can never fire.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/telemetry/metrics.js';
import { dashboardQueries, metricNames, rules } from './promql.js';

/** What /metrics shows: each metric (with the default process and Node.js metrics), and a histogram's series. */
async function exported(): Promise<Set<string>> {
  const text = await createMetrics().registry.metrics();
  const names = new Set(['up']); // Prometheus's own, per target
  for (const [, name = '', type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('metricNames', () => {
  it('finds the metrics of an expression, not its functions, labels, strings or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (controller, le) (rate(bosun_reconcile_duration_seconds_bucket' +
          '{job=~"bosun", result!="up"}[5m]))) / on (le) group_left (x) max without (instance) (bosun_leader)' +
          ' or vector(0) and absent(bosun_store_up offset 1h) > bool 1e3',
      ).sort(),
    ).toEqual(['bosun_leader', 'bosun_reconcile_duration_seconds_bucket', 'bosun_store_up']);
  });
});

describe('the metrics named in the rules and the dashboard', () => {
  it('are all exported by the operator', async () => {
    const have = await exported();
    const used = [
      ...rules().flatMap((r) => metricNames(r.expr).map((name) => ({ where: `rule ${r.alert ?? r.record}`, name }))),
      // the annotations name metrics to look at, too
      ...rules().flatMap((r) =>
        [
          ...Object.values(r.annotations ?? {})
            .join(' ')
            .matchAll(/\bbosun_\w+/g),
        ].map((m) => ({
          where: `annotations of ${r.alert}`,
          name: m[0],
        })),
      ),
      ...dashboardQueries().flatMap((q) => metricNames(q.expr).map((name) => ({ where: `panel ${q.panel}`, name }))),
    ];
    // the parse found what is there: the rules and the dashboard read the metrics added for them
    const names = new Set(used.map((u) => u.name));
    for (const name of [
      'bosun_leader',
      'bosun_approval_ttl_seconds',
      'bosun_llm_budget_limit',
      'bosun_objects',
      'bosun_store_up',
    ])
      expect(names).toContain(name);
    expect(used.filter((u) => !have.has(u.name)).map((u) => `${u.where}: ${u.name}`)).toEqual([]);
  });
});
