// Redaction of values, not text: by field (a key named like a credential has its value replaced
// whatever it looks like) and by pattern in every string. Callers redact FIRST, then stringify, then
// cut: cutting first can cut a PEM block's END line off, and an unterminated block matches nothing.
import type { RedactionReport } from './pattern.js';
import type { Redactor } from './redactor.js';

// A key is sensitive when, lower-cased without separators, it ends with one of these: `password`,
// `DB_PASSWORD`, `clientSecret`, `x-api-key`, `client-key-data`. Not `secretName`, `tokenCount` or
// `maxTokens`: those name or count credentials and must stay readable.
const SENSITIVE_KEY =
  /(?:password|passwd|passphrase|pwd|secret|token|apikey|accesskey|privatekey|credential|credentials|clientkeydata|clientcertificatedata|authorization|cookie)$/;
const EXACT_KEYS = new Set(['auth']); // docker config.json: base64 of user:password

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_KEY.test(k) || EXACT_KEYS.has(k);
}

const KIND = 'sensitive-field';
const MAX_DEPTH = 32;

/** True when the value under a sensitive key discloses nothing (empty, a flag, already a placeholder). */
const harmless = (v: unknown) =>
  v === null ||
  v === undefined ||
  typeof v === 'boolean' ||
  v === '' ||
  (typeof v === 'string' && v.startsWith('[REDACTED'));

/**
 * A copy of `value` with every sensitive field's value replaced and every string redacted; the data
 * of a Kubernetes Secret (`kind: Secret`) is replaced whole. Never mutates its input; cycles and
 * depth beyond 32 become placeholders.
 */
export function redactValue(value: unknown, redactor: Redactor, report: RedactionReport = { counts: {} }): unknown {
  const seen = new WeakSet<object>();
  const bump = () => (report.counts[KIND] = (report.counts[KIND] ?? 0) + 1);
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactor.redact(v, report).text;
    if (typeof v !== 'object' || v === null) return v;
    if (depth > MAX_DEPTH || seen.has(v)) return redactor.placeholder('unwalked');
    seen.add(v);
    if (v instanceof Error) return { type: v.name, message: walk(v.message, depth + 1) };
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const isSecret = (v as { kind?: unknown }).kind === 'Secret';
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const whole = isSensitiveKey(k) || (isSecret && (k === 'data' || k === 'stringData'));
      if (whole && !harmless(x)) {
        bump();
        out[k] = redactor.placeholder(KIND);
      } else out[k] = walk(x, depth + 1);
    }
    seen.delete(v); // a value shared by two branches is not a cycle
    return out;
  };
  return walk(value, 0);
}

/** JSON (or the string itself) of the redacted value, cut to `limit` characters: in that order. */
export function redactThenCut(
  value: unknown,
  limit: number,
  redactor: Redactor,
  report: RedactionReport = { counts: {} },
): string {
  const clean = redactValue(value, redactor, report);
  const text = typeof clean === 'string' ? clean : (JSON.stringify(clean) ?? '');
  return text.length > limit ? text.slice(0, limit) : text;
}
