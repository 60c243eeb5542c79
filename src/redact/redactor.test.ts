import { describe, expect, it } from 'vitest';
import { FORMATS, KEEP, noise } from './formats.testdata.js';
import { CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS, Redactor } from './redactor.js';

describe('Redactor.redact (the text path)', () => {
  it.each(FORMATS.map((f) => ({ label: f.label, f })))('removes: $label', ({ f }) => {
    const { text, report } = new Redactor().redact(f.text);
    expect(text).not.toContain(f.secret);
    expect(text).toContain('[REDACTED:');
    expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it.each(KEEP.map((k) => ({ label: k.label, text: k.text })))('keeps: $label', ({ text }) => {
    expect(new Redactor().redact(text)).toEqual({ text, report: { counts: {} } });
  });

  it('keeps the key readable and replaces only the value', () => {
    const v = noise(16, 42);
    expect(new Redactor().redact(`DB_PASSWORD=${v} next`).text).toBe('DB_PASSWORD=[REDACTED:password-assignment] next');
  });

  it('counts a secret found by two patterns once', () => {
    const token = 'gh' + 'p_' + noise(36, 43);
    const { report } = new Redactor().redact(`GITHUB_TOKEN=${token}`);
    expect(Object.values(report.counts)).toEqual([1]);
  });

  it('adds to a report it is given and never puts a value in it', () => {
    const r = new Redactor();
    const report = { counts: {} as Record<string, number> };
    r.redact(`a DB_PASSWORD=${noise(12, 44)}`, report);
    r.redact(`b API_TOKEN=${noise(12, 45)}`, report);
    expect(report).toEqual({ counts: { 'password-assignment': 2 } });
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

  it('uses the placeholder it is given', () => {
    const r = new Redactor(undefined, { placeholder: () => '***' });
    expect(r.redact(`DB_PASSWORD=${noise(12, 46)}`).text).toBe('DB_PASSWORD=***');
  });
});

describe('Redactor.addSecret (registered values)', () => {
  const secret = 'canary-7f3a9c';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  it.each([
    { label: 'verbatim, twice', text: `env CANARY=${secret} and log: failed with ${secret}` },
    { label: 'split across lines', text: `value: ${secret.slice(0, 5)}\n  ${secret.slice(5)}` },
    { label: 'split by an escaped newline in JSON', text: JSON.stringify(`${secret.slice(0, 4)}\n${secret.slice(4)}`) },
    { label: 're-cased', text: `said ${secret.toUpperCase()}` },
    { label: 'base64', text: `data: ${b64(secret)}` },
    { label: 'url-safe base64', text: `data: ${b64url(`>>${secret}`)}` },
    { label: 'base64 at byte offset 1 of a longer value', text: `data: ${b64(`u:${secret}`)}` },
    { label: 'base64 at byte offset 2 of a longer value', text: `data: ${b64(`ab:${secret}!`)}` },
    { label: 'base64 at byte offset 0 of a longer value', text: `data: ${b64(`abc${secret}rest`)}` },
    { label: 'base64 wrapped across lines', text: `data: ${b64(`xyz${secret}`).replace(/(.{6})/, '$1\n')}` },
  ])('removes it: $label', ({ text }) => {
    const r = new Redactor([]);
    r.addSecret(secret);
    const { text: out, report } = r.redact(text);
    expect(out).toContain('[REDACTED:secret-value]');
    expect(out.toLowerCase()).not.toContain(secret.slice(0, 8));
    for (const enc of [b64(secret), b64url(secret)]) expect(out).not.toContain(enc.slice(2, 14));
    expect(JSON.stringify(report)).not.toContain('canary');
  });

  it('counts each occurrence and reports it as a secret value', () => {
    const r = new Redactor();
    r.addSecret(secret);
    expect(r.redact(`${secret} and ${secret}`).report).toEqual({ counts: { 'secret-value': 2 } });
  });

  it('ignores values too short to be secrets', () => {
    const r = new Redactor([]);
    r.addSecret('abc');
    expect(r.redact('abc abc').text).toBe('abc abc');
    expect(r.secretCount).toBe(0);
  });
});
