import { describe, expect, it } from 'vitest';
import { CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS, Redactor } from './redact.js';

describe('Redactor', () => {
  it.each([
    { kind: 'private-key', text: 'key: -----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY----- end' },
    {
      kind: 'jwt',
      text: 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    },
    { kind: 'github-token', text: 'GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
    { kind: 'aws-access-key', text: 'aws AKIAIOSFODNN7EXAMPLE here' },
    { kind: 'api-key', text: 'ANTHROPIC_API_KEY is sk-ant-api03-abcdefghijklmnop1234' },
    { kind: 'slack-token', text: 'slack xoxb-1234567890-abcdefghij' },
    { kind: 'bearer-token', text: 'Authorization: Bearer abcdefghijklmnop0123456789' },
    { kind: 'connection-string', text: 'DATABASE_URL=postgres://app:hunter2secret@db.internal:5432/shop' },
    { kind: 'password-assignment', text: 'config: password=correcthorse' },
  ])('removes a $kind and counts it', ({ kind, text }) => {
    const { text: out, report } = new Redactor().redact(text);
    expect(out).toContain(`[REDACTED:${kind}]`);
    expect(report.counts[kind]).toBe(1);
  });

  it('removes registered secret values wherever they appear, and never reports them', () => {
    const r = new Redactor();
    r.addSecret('canary-7f3a9c');
    const { text, report } = r.redact('env CANARY=canary-7f3a9c and log: failed with canary-7f3a9c');
    expect(text).not.toContain('canary-7f3a9c');
    expect(report).toEqual({ counts: { 'secret-value': 2 } });
    expect(JSON.stringify(report)).not.toContain('canary');
  });

  it('applies optional patterns only when asked', () => {
    const text = 'mail ops@example.com from 10.1.2.3';
    expect(new Redactor().redact(text).text).toBe(text);
    const r = new Redactor([...CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS.email!, OPTIONAL_PATTERNS.ipv4!]);
    expect(r.redact(text)).toEqual({
      text: 'mail [REDACTED:email] from [REDACTED:ipv4]',
      report: { counts: { email: 1, ipv4: 1 } },
    });
  });

  it('leaves ordinary text alone', () => {
    const text = 'deployment/web has 3 replicas; pod web-1 is CrashLoopBackOff (exit code 137)';
    expect(new Redactor().redact(text)).toEqual({ text, report: { counts: {} } });
  });
});
