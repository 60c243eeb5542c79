// gitleaks' parsed config → Bosun's secret-patterns.json (pure: the generator downloads, this converts).
// Kept per rule: id, the Go regex as written (so a test can re-run the conversion offline), the JS
// source and flags, keywords (the pre-filter), entropy, secretGroup, and the allowlists that can be
// checked without a file path. Skipped, with the reason: rules JS cannot express, and rules that
// only make sense for a file path (gitleaks scans files; Bosun redacts text with no path).
import { convertGoRegex } from '../../src/redact/go-regex.js';
import type { ConvertedRegex, SecretPatternData, SecretRule, RuleAllowlist } from '../../src/redact/gitleaks.js';
import type { TomlTable, TomlValue } from './toml.js';

export interface Provenance {
  module: string;
  version: string;
  url: string;
  sha256: string;
  licence: string;
}

const str = (v: TomlValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: TomlValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const tables = (v: TomlValue | undefined): TomlTable[] =>
  Array.isArray(v) ? v.filter((x): x is TomlTable => typeof x === 'object' && !Array.isArray(x)) : [];

class Skip extends Error {}

function regex(go: string, where: string): ConvertedRegex {
  const c = convertGoRegex(go);
  if ('skip' in c) throw new Skip(`${where}: ${c.skip}`);
  return { go, source: c.source, flags: c.flags };
}

/** One allowlist, or undefined when it can never apply without a file path. */
function allowlist(a: TomlTable, i: number): RuleAllowlist | undefined {
  const condition = str(a.condition) ?? 'OR';
  const hasPathOrCommit = strs(a.paths).length > 0 || strs(a.commits).length > 0;
  // AND with a path or commit condition: gitleaks never allows without that path, and neither do we
  if (condition === 'AND' && hasPathOrCommit) return undefined;
  const regexes = strs(a.regexes).map((g) => regex(g, `allowlist ${i}`));
  const stopwords = strs(a.stopwords).map((w) => w.toLowerCase());
  if (!regexes.length && !stopwords.length) return undefined;
  const target = str(a.regexTarget) ?? 'secret';
  if (!['secret', 'match', 'line'].includes(target)) throw new Skip(`allowlist ${i}: regexTarget ${target}`);
  return {
    regexTarget: target as RuleAllowlist['regexTarget'],
    condition: condition === 'AND' ? 'AND' : 'OR',
    regexes,
    stopwords,
  };
}

function rule(r: TomlTable): SecretRule {
  const id = str(r.id) ?? '(no id)';
  const go = str(r.regex);
  if (str(r.path)) throw new Skip('applies only to files whose path matches a pattern');
  if (!go) throw new Skip('has no regex');
  if (r.required !== undefined) throw new Skip('is a composite rule (required rules)');
  const out: SecretRule = {
    id,
    ...regex(go, 'regex'),
    keywords: strs(r.keywords).map((k) => k.toLowerCase()),
    allowlists: tables(r.allowlists)
      .map(allowlist)
      .filter((a): a is RuleAllowlist => a !== undefined),
  };
  if (typeof r.entropy === 'number') out.entropy = r.entropy;
  if (typeof r.secretGroup === 'number') out.secretGroup = r.secretGroup;
  return out;
}

export function convertConfig(config: TomlTable, from: Provenance): SecretPatternData {
  const rules: SecretRule[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const r of tables(config.rules)) {
    try {
      rules.push(rule(r));
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      skipped.push({ id: str(r.id) ?? '(no id)', reason: err.message });
    }
  }
  const globalTable = config.allowlist;
  const global =
    globalTable && typeof globalTable === 'object' && !Array.isArray(globalTable)
      ? allowlist(globalTable, 0)
      : undefined;
  return {
    source: 'gitleaks default rules (config/gitleaks.toml), converted from Go RE2 to JavaScript',
    ...from,
    generatedBy: 'npx tsx hack/generate-secret-patterns.ts',
    converted: rules.length,
    skipped,
    global: global ?? { regexTarget: 'secret', condition: 'OR', regexes: [], stopwords: [] },
    rules,
  };
}
