// Redaction before any prompt and any log line: known secret values, well-known
// credential formats, and configurable patterns. It reports what kinds it
// removed and how many, never the values.
export interface RedactionReport {
  /** kind → how many values of that kind were replaced */
  counts: Record<string, number>;
}

export interface Pattern {
  kind: string;
  regex: RegExp;
}

/** Credential formats recognised without being told. */
export const CREDENTIAL_PATTERNS: readonly Pattern[] = [
  { kind: 'private-key', regex: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { kind: 'github-token', regex: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g },
  { kind: 'aws-access-key', regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'api-key', regex: /\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}\b/g },
  { kind: 'slack-token', regex: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g },
  { kind: 'bearer-token', regex: /\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*/g },
  { kind: 'connection-string', regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@[^\s]+/g },
  {
    kind: 'password-assignment',
    regex: /\b(?:password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*["']?[^\s"',;]{6,}/gi,
  },
];

/** Optional patterns a RiskPolicy or ModelProvider may switch on. */
export const OPTIONAL_PATTERNS: Readonly<Record<string, Pattern>> = {
  email: { kind: 'email', regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  ipv4: { kind: 'ipv4', regex: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g },
};

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(private readonly patterns: readonly Pattern[] = CREDENTIAL_PATTERNS) {}

  /** A value read from a Secret the task's tools touched: removed wherever it appears. */
  addSecret(value: string): void {
    if (value.length >= 6) this.secrets.add(value);
  }

  redact(text: string, report: RedactionReport = { counts: {} }): { text: string; report: RedactionReport } {
    let out = text;
    const bump = (kind: string, n: number) => {
      if (n) report.counts[kind] = (report.counts[kind] ?? 0) + n;
    };
    // the longest secrets first, so one that contains another is removed whole
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      const parts = out.split(s);
      bump('secret-value', parts.length - 1);
      out = parts.join('[REDACTED:secret-value]');
    }
    for (const { kind, regex } of this.patterns) {
      out = out.replace(regex, () => {
        bump(kind, 1);
        return `[REDACTED:${kind}]`;
      });
    }
    return { text: out, report };
  }
}
