import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS, KEEP } from './formats.testdata.js';
import { EXCLUDED_RULES, gitleaksPatterns, SecretPatternData, secretPatternData as data } from './gitleaks.js';
import { convertGoRegex } from './go-regex.js';
import { Redactor } from './redactor.js';

describe('secret-patterns.json (gitleaks rules as data)', () => {
  it('is well-formed, non-empty, and says where it comes from and under which licence', () => {
    const raw: unknown = JSON.parse(readFileSync(new URL('./secret-patterns.json', import.meta.url), 'utf8'));
    expect(() => SecretPatternData.parse(raw)).not.toThrow();
    expect(data.module).toBe('github.com/zricethezav/gitleaks/v8');
    expect(data.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(data.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(data.licence).toMatch(/^MIT License/);
    expect(data.rules.length).toBeGreaterThan(150);
    expect(data.converted).toBe(data.rules.length);
    expect(new Set(data.rules.map((r) => r.id)).size).toBe(data.rules.length);
  });

  it('is what the conversion produces from each recorded Go regex (regenerate if this fails)', () => {
    const regexes = [
      ...data.global.regexes,
      ...data.rules.flatMap((r) => [r, ...r.allowlists.flatMap((a) => a.regexes)]),
    ];
    for (const r of regexes) {
      expect(convertGoRegex(r.go), r.go).toEqual({ source: r.source, flags: r.flags });
    }
  });

  it('holds only patterns JavaScript compiles, with lower-case keywords', () => {
    for (const r of data.rules) {
      expect(() => new RegExp(r.source, r.flags), r.id).not.toThrow();
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
    }
    expect(gitleaksPatterns()).toHaveLength(data.rules.length - Object.keys(EXCLUDED_RULES).length);
  });

  it('names each skipped rule with its reason', () => {
    for (const s of data.skipped) expect(s.reason, s.id).not.toBe('');
  });
});

describe('gitleaks rules alone', () => {
  const r = new Redactor(gitleaksPatterns());
  it.each(KEEP.map((k) => ({ label: k.label, text: k.text })))('leave alone: $label', ({ text }) => {
    expect(r.redact(text).text).toBe(text);
  });

  // which listed formats need Bosun's supplement: if gitleaks starts covering one, the supplement
  // entry may go (and this list shrinks)
  const missed = FORMATS.filter((f) => r.redact(f.text).text.includes(f.secret)).map((f) => f.label);
  it('miss only the formats the supplement is there for', () => {
    expect(missed).toEqual([
      'env assignment of a low-entropy password',
      'JSON escaped inside a JSON string',
      'escaped quotes password=\\"…\\"',
      'kubeconfig client-certificate-data',
      'Basic auth header',
      'Bearer header',
      'URL password with empty user',
      'URL password containing /',
      'Anthropic key',
    ]);
  });
});
