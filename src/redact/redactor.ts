// Redaction before any prompt and any log line: registered secret values (in their variants),
// gitleaks' maintained credential rules, Bosun's supplement, and the optional patterns a policy
// switches on. It reports what kinds it removed and how many, never the values.
import { gitleaksPatterns } from './gitleaks.js';
import { applySpans, findSpans, placeholder, type Pattern, type RedactionReport } from './pattern.js';
import { secretValuePatterns } from './secret-values.js';
import { SUPPLEMENT_PATTERNS } from './supplement.js';

export type { Pattern, RedactionReport };

/**
 * Credential formats recognised without being told: Bosun's supplement first (its kinds win when a
 * span is found by both), then gitleaks' rules.
 */
export const CREDENTIAL_PATTERNS: readonly Pattern[] = [...SUPPLEMENT_PATTERNS, ...gitleaksPatterns()];

/** Optional patterns a RiskPolicy or ModelProvider may switch on. */
export const OPTIONAL_PATTERNS: Readonly<Record<string, Pattern>> = {
  email: { kind: 'email', regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, keywords: ['@'] },
  ipv4: { kind: 'ipv4', regex: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g },
};

export interface RedactorOptions {
  /** shorter registered values are ignored: they would remove ordinary words (default 6) */
  minSecretLength?: number;
  /** what replaces a secret of a kind (default `[REDACTED:kind]`; the logger writes `[REDACTED]`) */
  placeholder?: (kind: string) => string;
}

export class Redactor {
  private readonly secrets = new Map<string, Pattern[]>();
  private readonly minSecretLength: number;
  readonly placeholder: (kind: string) => string;

  constructor(
    private readonly patterns: readonly Pattern[] = CREDENTIAL_PATTERNS,
    opts: RedactorOptions = {},
  ) {
    this.minSecretLength = opts.minSecretLength ?? 6;
    this.placeholder = opts.placeholder ?? placeholder;
  }

  /** A value read from a Secret the task's tools touched: removed wherever, and however, it appears. */
  addSecret(value: string): void {
    if (value.length >= this.minSecretLength && !this.secrets.has(value)) {
      this.secrets.set(value, secretValuePatterns(value));
    }
  }

  get secretCount(): number {
    return this.secrets.size;
  }

  redact(text: string, report: RedactionReport = { counts: {} }): { text: string; report: RedactionReport } {
    if (!text) return { text, report };
    // registered values first: a span they share with a pattern is reported as a secret value
    const all = [...[...this.secrets.values()].flat(), ...this.patterns];
    return { text: applySpans(text, findSpans(text, all), report, this.placeholder), report };
  }
}
