// What the observability tests read out of the rule file and the dashboard:
// their PromQL expressions, the metric names those name, and Grafana's
// variables replaced so that promtool can parse a panel's query; and
// promtool itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../support/paths.js';

export const rulesPath = join(repoRoot, 'config', 'prometheus', 'rules.yaml');
export const rulesTestPath = join(repoRoot, 'config', 'prometheus', 'rules_test.yaml');
export const dashboardPath = join(repoRoot, 'config', 'grafana', 'bosun.json');

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const rules = (): Rule[] =>
  (parse(readFileSync(rulesPath, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

interface Panel {
  title?: string;
  targets?: { expr?: string; refId?: string }[];
  panels?: Panel[];
}

/** Every query of the dashboard, with the panel it belongs to. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as { panels: Panel[] };
  const walk = (panels: Panel[]): { panel: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: `${p.title} ${t.refId}`, expr: t.expr }] : [])),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard.panels);
}

/** A panel's query as Prometheus would get it: Grafana's variables replaced by values of the right kind. */
export const withoutVariables = (expr: string) =>
  expr.replace(/\$__(rate_)?interval\b|\$__range\b/g, '5m').replace(/\$\{\w+(?::\w+)?\}|\$\w+/g, '.*');

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
const OPERATORS = new Set(['and', 'or', 'unless', 'atan2']);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, ranges and the label lists of
 * by/without/on/ignoring/group_* go first; of what is left, a name followed by `(` is a function.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const name = m[1] ?? '';
    if (m[2] || KEYWORDS.has(name) || OPERATORS.has(name)) continue;
    if (/^(inf|nan)$/i.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

/** Runs the real promtool (BOSUN_PROMTOOL); fails saying how to get one when it is not set. */
export function promtool(...args: string[]) {
  const bin = process.env.BOSUN_PROMTOOL;
  if (!bin)
    throw new Error(
      'BOSUN_PROMTOOL is not set: it names the promtool binary these tests run. ' +
        'Run export BOSUN_PROMTOOL=$(hack/install-promtool.sh) (hack/lib.sh exports it for hack/test.sh)',
    );
  const res = spawnSync(bin, args, { encoding: 'utf8' });
  if (res.error) throw new Error(`could not run ${bin} (BOSUN_PROMTOOL): ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}
