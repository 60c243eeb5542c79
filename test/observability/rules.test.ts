// The alert rules, checked by the real promtool (BOSUN_PROMTOOL, from
// hack/install-promtool.sh): the rule file is valid, its unit tests
// (config/prometheus/rules_test.yaml) pass, and each alert says what to do
// and is shown both firing and not.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promtool, rules, rulesPath, rulesTestPath } from './promql.js';

const ALERTS = [
  'BosunOperatorDown',
  'BosunNoLeader',
  'BosunReconcileErrors',
  'BosunApprovalWaitingLong',
  'BosunLLMBudgetHigh',
  'BosunStoreUnavailable',
];

describe('alert rules', { timeout: 60_000 }, () => {
  it('pass promtool check rules', () => {
    const res = promtool('check', 'rules', rulesPath);
    expect(res.status, res.output).toBe(0);
    expect(res.output).toMatch(`SUCCESS: ${rules().length} rules found`);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const res = promtool('test', 'rules', rulesTestPath);
    expect(res.status, res.output).toBe(0);
    expect(res.output).toMatch(/SUCCESS/);
  });

  it('are the alerts the operator needs, each with a severity, a summary and a description of what to do', () => {
    const alerts = rules().filter((r) => r.alert);
    expect(alerts.map((r) => r.alert).sort()).toEqual([...ALERTS].sort());
    for (const r of alerts) {
      expect(['critical', 'warning', 'info'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      // a runbook in brief: longer than a sentence, and it names something to look at or do
      expect(r.annotations?.description?.length, r.alert).toBeGreaterThan(200);
      expect(r.annotations?.description, r.alert).toMatch(/\b(kubectl|Look at|raise|Ask)\b/);
    }
  });

  it('are each shown firing and not firing in rules_test.yaml', () => {
    interface Case {
      alertname: string;
      exp_alerts?: unknown[];
    }
    const file = parse(readFileSync(rulesTestPath, 'utf8')) as { tests: { alert_rule_test?: Case[] }[] };
    const cases = file.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of ALERTS) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} is never expected to fire`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} is never expected to stay quiet`,
      ).toBe(true);
    }
  });
});
