// The maintained part of the credential patterns: gitleaks' default rules, kept as data in
// secret-patterns.json (written by hack/generate-secret-patterns.ts from a pinned gitleaks release;
// MIT licence, notice in the file). Each rule keeps gitleaks' semantics: keywords pre-filter, the
// secret group, the entropy floor, and the rule's and the global allowlists.
import { z } from 'zod';
import data from './secret-patterns.json' with { type: 'json' };
import type { Finding, Pattern } from './pattern.js';

const ConvertedRegex = z.object({ go: z.string(), source: z.string(), flags: z.string() });
export type ConvertedRegex = z.infer<typeof ConvertedRegex>;

const RuleAllowlist = z.object({
  regexTarget: z.enum(['secret', 'match', 'line']),
  condition: z.enum(['AND', 'OR']),
  regexes: z.array(ConvertedRegex),
  stopwords: z.array(z.string()),
});
export type RuleAllowlist = z.infer<typeof RuleAllowlist>;

const SecretRule = ConvertedRegex.extend({
  id: z.string(),
  keywords: z.array(z.string()),
  entropy: z.number().optional(),
  secretGroup: z.number().int().positive().optional(),
  allowlists: z.array(RuleAllowlist),
});
export type SecretRule = z.infer<typeof SecretRule>;

export const SecretPatternData = z.object({
  source: z.string(),
  module: z.string(),
  version: z.string(),
  url: z.string(),
  sha256: z.string(),
  licence: z.string(),
  generatedBy: z.string(),
  converted: z.number().int(),
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  global: RuleAllowlist,
  rules: z.array(SecretRule),
});
export type SecretPatternData = z.infer<typeof SecretPatternData>;

export const secretPatternData: SecretPatternData = SecretPatternData.parse(data);

/**
 * Rules Bosun leaves out, each with its reason. A rule is left out only when it would remove what
 * must stay readable (plan hashes, Kubernetes UIDs) and an allowance below cannot fix it.
 */
export const EXCLUDED_RULES: Readonly<Record<string, string>> = {};

// Values that look random but are Bosun's own and must stay readable in prompts and logs:
// sha256 digests (plan hashes, plan cache keys) and Kubernetes UIDs (RFC 4122 UUIDs).
const DIGEST_OR_UID = /^(?:sha256:)?[a-f0-9]{64}$|^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/**
 * Rules whose secret is "any high-entropy value after a key-ish word" rather than a vendor format:
 * for them, a digest or a UID is one of ours, not a credential. Vendor rules (a known prefix, a
 * keyword right before the value) keep matching them: there the context says it is a secret.
 */
const isGeneric = (id: string) => id.startsWith('generic');

const compile = (r: { source: string; flags: string }) => new RegExp(r.source, r.flags);

function allowed(list: RuleAllowlist & { compiled: RegExp[] }, f: Finding): boolean {
  const target = list.regexTarget === 'match' ? f.match : list.regexTarget === 'line' ? f.line : f.secret;
  const regexes = list.compiled;
  const byRegex = regexes.some((re) => re.test(target));
  const lower = f.secret.toLowerCase();
  const byStopword = list.stopwords.some((w) => lower.includes(w));
  if (list.condition === 'AND') {
    return (!regexes.length || byRegex) && (!list.stopwords.length || byStopword);
  }
  return byRegex || byStopword;
}

function toPattern(rule: SecretRule, global: RuleAllowlist): Pattern {
  // compile the allowlists once, not per finding
  const lists = [global, ...rule.allowlists].map((l) => ({ ...l, compiled: l.regexes.map(compile) }));
  const generic = isGeneric(rule.id);
  return {
    kind: rule.id,
    regex: new RegExp(rule.source, `${rule.flags}g`),
    keywords: rule.keywords,
    ...(rule.secretGroup !== undefined && { secretGroup: rule.secretGroup }),
    ...(rule.entropy !== undefined && { entropy: rule.entropy }),
    allow: (f) => (generic && DIGEST_OR_UID.test(f.secret)) || lists.some((l) => allowed(l, f)),
  };
}

/** gitleaks' rules as patterns, minus EXCLUDED_RULES. */
export function gitleaksPatterns(d: SecretPatternData = secretPatternData): Pattern[] {
  return d.rules.filter((r) => !(r.id in EXCLUDED_RULES)).map((r) => toPattern(r, d.global));
}
