import { describe, expect, it } from 'vitest';
import { FORMATS, KEEP, noise } from './formats.testdata.js';
import { Redactor } from './redactor.js';
import { isSensitiveKey, redactThenCut, redactValue } from './structured.js';

describe('isSensitiveKey', () => {
  it.each([
    'password',
    'DB_PASSWORD',
    'passwd',
    'clientSecret',
    'secret',
    'token',
    'access_token',
    'apiKey',
    'api_key',
    'x-api-key',
    'credentials',
    'client-key-data',
    'client-certificate-data',
    'privateKey',
    'private_key',
    'aws_secret_access_key',
    'Authorization',
    'auth',
  ])('%s is sensitive', (k) => expect(isSensitiveKey(k)).toBe(true));

  it.each([
    'secretName',
    'secretRef',
    'tokenCount',
    'maxTokens',
    'inputTokens',
    'keyName',
    'author',
    'planHash',
    'uid',
  ])('%s is not', (k) => expect(isSensitiveKey(k)).toBe(false));
});

describe('redactValue (by field and by pattern)', () => {
  it('replaces sensitive fields at any depth, whatever their value, and leaves the input alone', () => {
    const input = {
      name: 'web',
      spec: { password: 'short', db: { clientSecret: 42, apiKey: { nested: 'x' } } },
      list: [{ token: 'abc' }, { tokenExpired: false }],
    };
    const before = JSON.stringify(input);
    const report = { counts: {} as Record<string, number> };
    expect(redactValue(input, new Redactor(), report)).toEqual({
      name: 'web',
      spec: {
        password: '[REDACTED:sensitive-field]',
        db: { clientSecret: '[REDACTED:sensitive-field]', apiKey: '[REDACTED:sensitive-field]' },
      },
      list: [{ token: '[REDACTED:sensitive-field]' }, { tokenExpired: false }],
    });
    expect(report.counts).toEqual({ 'sensitive-field': 4 });
    expect(JSON.stringify(input)).toBe(before);
  });

  it('keeps empty, boolean and already-redacted values under sensitive keys', () => {
    const v = { password: '', token: null, secret: true, apiKey: '[REDACTED:x]' };
    expect(redactValue(v, new Redactor())).toEqual(v);
  });

  it("replaces a Kubernetes Secret's data whole", () => {
    const secret = { kind: 'Secret', metadata: { name: 'db' }, data: { 'tls.key': noise(20, 1) } };
    expect(redactValue(secret, new Redactor())).toEqual({
      kind: 'Secret',
      metadata: { name: 'db' },
      data: '[REDACTED:sensitive-field]',
    });
  });

  it('survives cycles and keeps shared values', () => {
    const shared = { a: 1 };
    const v: Record<string, unknown> = { x: shared, y: shared };
    v.self = v;
    expect(redactValue(v, new Redactor())).toEqual({ x: { a: 1 }, y: { a: 1 }, self: '[REDACTED:unwalked]' });
  });
});

describe('redactThenCut (the structured path: redact, stringify, cut)', () => {
  it.each(FORMATS.map((f) => ({ label: f.label, f })))('removes: $label', ({ f }) => {
    const out = redactThenCut({ source: 'pod/web', text: f.text, lines: [f.text] }, 100_000, new Redactor());
    expect(out).not.toContain(f.secret);
    expect(out).not.toContain(JSON.stringify(f.secret).slice(1, -1));
  });

  it.each(KEEP.map((k) => ({ label: k.label, text: k.text })))('keeps: $label', ({ text }) => {
    expect(redactThenCut({ text }, 100_000, new Redactor())).toBe(JSON.stringify({ text }));
  });

  it('removes a PEM block longer than the cut, where cutting first would have let it through', () => {
    const pem = FORMATS.find((f) => f.label === 'private key (PEM)')!;
    const value = { logs: `starting\n${pem.secret}\nready` };
    const limit = 200;
    expect(pem.secret.length).toBeGreaterThan(limit);
    const cutFirst = new Redactor().redact(JSON.stringify(value).slice(0, limit)).text;
    expect(cutFirst).toContain(pem.secret.split('\n')[1]); // the bug this order prevents
    const out = redactThenCut(value, limit, new Redactor());
    expect(out.length).toBeLessThanOrEqual(limit);
    expect(out).toContain('[REDACTED:private-key]');
    for (const line of pem.secret.split('\n').slice(1, -1)) expect(out).not.toContain(line.slice(0, 16));
  });

  it('redacts a string value without quoting it', () => {
    expect(redactThenCut(`DB_PASSWORD=${noise(12, 3)}`, 1000, new Redactor())).toBe(
      'DB_PASSWORD=[REDACTED:password-assignment]',
    );
  });

  it('removes registered values in every form before the cut', () => {
    const r = new Redactor([]);
    r.addSecret('canary-7f3a9c');
    const out = redactThenCut({ env: { CANARY: 'canary-7f3a9c' }, log: 'CANARY-7F3A9C' }, 1000, r);
    expect(out.toLowerCase()).not.toContain('canary-7f3a9c');
  });
});
