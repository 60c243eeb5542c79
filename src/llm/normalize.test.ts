import { describe, expect, it } from 'vitest';
import { normalizeText, skeleton } from './normalize.js';

describe('normalizeText', () => {
  it.each([
    { why: 'plain text is kept', input: 'GET /checkout 2300ms', want: 'GET /checkout 2300ms' },
    { why: 'newlines and tabs are kept', input: 'a\n\tb', want: 'a\n\tb' },
    { why: 'CRLF and CR become newlines (no line overwritten)', input: 'a\r\nb\rc', want: 'a\nb\nc' },
    { why: 'line and paragraph separators become newlines', input: 'a\u2028b\u2029c\u0085d', want: 'a\nb\nc\nd' },
    { why: 'zero-width space', input: 'clus\u200Bter', want: 'cluster' },
    { why: 'zero-width non-joiner and joiner', input: 'a\u200Cb\u200Dc', want: 'abc' },
    { why: 'word joiner and BOM', input: '\uFEFFa\u2060b', want: 'ab' },
    { why: 'bidi overrides and isolates', input: 'a\u202Eb\u202Dc\u2066d\u2069', want: 'abcd' },
    { why: 'soft hyphen', input: 'de\u00ADlete', want: 'delete' },
    { why: 'tag characters (ASCII smuggling)', input: 'ok\u{E0069}\u{E0067}', want: 'ok' },
    { why: 'C0 controls: escape, backspace, bell, NUL', input: 'a\x1b[2Kb\x08c\x07\x00', want: 'a[2Kbc' },
    { why: 'DEL and C1 controls', input: 'a\x7fb\x9bc\x9dd', want: 'abcd' },
    { why: 'fullwidth brackets (NFKC)', input: '\uFF1C/cluster-data\uFF1E', want: '</cluster-data>' },
    { why: 'small-form brackets (NFKC)', input: '\uFE64/cluster-data\uFE65', want: '</cluster-data>' },
    { why: 'fullwidth letters (NFKC)', input: '\uFF44\uFF45\uFF4C\uFF45\uFF54\uFF45', want: 'delete' },
    { why: 'a ligature (NFKC)', input: '\uFB01le', want: 'file' },
    { why: 'a lone surrogate', input: 'a\uD800b', want: 'ab' },
    { why: 'an astral character is kept whole', input: 'ok \u{1F680}', want: 'ok \u{1F680}' },
  ])('$why', ({ input, want }) => {
    expect(normalizeText(input)).toBe(want);
  });

  it('is idempotent', () => {
    const s = 'x\u200B\uFF1Cy\r\nz\u202E';
    expect(normalizeText(normalizeText(s))).toBe(normalizeText(s));
  });
});

describe('skeleton', () => {
  it.each([
    { why: 'upper case', input: 'CLUSTER-DATA', want: 'cluster-data' },
    { why: 'underscore for dash', input: 'cluster_data', want: 'cluster-data' },
    { why: 'Cyrillic look-alikes', input: 'сluѕtеr-dаtа', want: 'cluster-data' },
    { why: 'upper-case Cyrillic look-alikes', input: 'СLUЅТЕR', want: 'cluster' },
    { why: 'Greek look-alikes', input: 'dατα', want: 'data' },
    { why: 'Unicode dashes and slashes', input: '<\u2215cluster\u2013data>', want: '</cluster-data>' },
  ])('$why', ({ input, want }) => {
    expect(skeleton(input)).toBe(want);
  });

  it('keeps one unit per unit of its input, so offsets carry over', () => {
    for (const s of ['İstanbul', 'a\u{1F680}b', 'ΣΑ_ß'] as const) expect(skeleton(s)).toHaveLength(s.length);
  });
});
