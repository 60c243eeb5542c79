// What the observability tests read out of the rule file: its PromQL
// expressions, and the metric names those name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../support/paths.js';

export const rulesPath = join(repoRoot, 'config', 'prometheus', 'rules.yaml');
export const rulesTestPath = join(repoRoot, 'config', 'prometheus', 'rules_test.yaml');

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
