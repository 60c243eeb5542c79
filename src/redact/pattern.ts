// What a redaction pattern is, and how one is applied: each pattern yields spans (where a secret
// is), spans from all patterns are merged, and only then is the text rewritten. Merging first means
// a later pattern never matches an earlier placeholder, and two patterns that find the same secret
// (a GitHub token in `password=ghp_…`) count it once, under the first pattern listed.

/** What was removed: kind → how many values of that kind were replaced. Never the values. */
export interface RedactionReport {
  counts: Record<string, number>;
}

export interface Finding {
  /** the secret (the capture group when there is one) */
  secret: string;
  /** the whole match */
  match: string;
  /** the line(s) the match is on */
  line: string;
}

export interface Pattern {
  kind: string;
  regex: RegExp;
  /**
   * Lower-case words one of which must appear in the text for the regex to run at all (gitleaks'
   * `keywords`): with a few hundred patterns, most are skipped by a substring search.
   */
  keywords?: readonly string[];
  /** the capture group that is the secret; by default the first non-empty group, else the whole match */
  secretGroup?: number;
  /** a secret whose Shannon entropy (bits per character) is at or below this is not reported */
  entropy?: number;
  /** true: not a secret after all (allowlists, placeholders, the project's digests and UIDs) */
  allow?: (f: Finding) => boolean;
}

export interface Span {
  start: number;
  end: number;
  kind: string;
  /** the index of the pattern that found it: the lowest wins when spans overlap */
  rank: number;
}

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let e = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    e -= p * Math.log2(p);
  }
  return e;
}

// every regex is run global (all matches) and with indices (where the secret group is)
const compiled = new WeakMap<RegExp, RegExp>();
function scanner(re: RegExp): RegExp {
  let out = compiled.get(re);
  if (!out) {
    const flags = [...new Set(`${re.flags}gd`)].join('');
    out = new RegExp(re.source, flags);
    compiled.set(re, out);
  }
  return out;
}

function lineAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return text.slice(from, to < 0 ? text.length : to);
}

/** Where the patterns find secrets in the text, unmerged. `lower` is text.toLowerCase(), computed once. */
export function findSpans(text: string, patterns: readonly Pattern[], lower = text.toLowerCase()): Span[] {
  const spans: Span[] = [];
  patterns.forEach((p, rank) => {
    if (p.keywords?.length && !p.keywords.some((k) => lower.includes(k))) return;
    for (const m of text.matchAll(scanner(p.regex))) {
      if (!m[0]) continue;
      const at = m.index;
      let group = p.secretGroup;
      if (group === undefined) group = m.findIndex((g, i) => i > 0 && g);
      const range = group > 0 ? m.indices?.[group] : undefined;
      const [start, end] = range ?? [at, at + m[0].length];
      const secret = text.slice(start, end);
      if (!secret) continue;
      if (p.entropy !== undefined && shannonEntropy(secret) <= p.entropy) continue;
      if (p.allow?.({ secret, match: m[0], line: lineAround(text, at, at + m[0].length) })) continue;
      spans.push({ start, end, kind: p.kind, rank });
    }
  });
  return spans;
}

/** Overlapping spans become one, named after the first-listed pattern among them. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (s.rank < last.rank) Object.assign(last, { kind: s.kind, rank: s.rank });
    } else out.push({ ...s });
  }
  return out;
}

export const placeholder = (kind: string) => `[REDACTED:${kind}]`;

/** Rewrites the text, one placeholder per merged span, and counts them in the report. */
export function applySpans(text: string, spans: Span[], report: RedactionReport, name = placeholder): string {
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const s of mergeSpans(spans)) {
    out += text.slice(at, s.start) + name(s.kind);
    report.counts[s.kind] = (report.counts[s.kind] ?? 0) + 1;
    at = s.end;
  }
  return out + text.slice(at);
}
