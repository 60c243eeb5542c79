import { describe, expect, it } from 'vitest';
import { formatMemory, MemoryQuantity, parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    { q: '512Mi', want: 512 * 2 ** 20, why: 'binary suffix' },
    { q: '1.5Gi', want: 1.5 * 2 ** 30, why: 'a fraction' },
    { q: '500M', want: 500e6, why: 'decimal suffix' },
    { q: '128974848', want: 128974848, why: 'plain bytes' },
    { q: '129e6', want: 129e6, why: 'an exponent' },
    { q: '1k', want: 1000, why: 'lower-case k is decimal' },
    { q: '.5Gi', want: 2 ** 29, why: 'a leading dot' },
    { q: '100m', want: 0.1, why: 'milli-bytes are legal, if odd' },
    { q: '1Mb', want: undefined, why: 'not a suffix the API server knows' },
    { q: 'lots', want: undefined, why: 'not a number' },
    { q: '', want: undefined, why: 'empty' },
  ])('$q: $why', ({ q, want }) => {
    expect(parseQuantity(q)).toBe(want);
  });
});

describe('formatMemory', () => {
  it.each([
    { bytes: 768 * 2 ** 20, want: '768Mi', why: 'whole Mi' },
    { bytes: 2 ** 31, want: '2Gi', why: 'whole Gi written as Gi' },
    { bytes: 500e6, want: '477Mi', why: 'decimal bytes rounded up to a whole Mi' },
    { bytes: 1.5 * 2 ** 30, want: '1536Mi', why: 'a fraction of a Gi in Mi' },
  ])('$want: $why', ({ bytes, want }) => {
    expect(formatMemory(bytes)).toBe(want);
  });
});

describe('MemoryQuantity', () => {
  it.each([
    { q: '256Mi', ok: true },
    { q: '2Gi', ok: true },
    { q: '100k', ok: false },
    { q: '512Ti', ok: false },
    { q: '-1Gi', ok: false },
    { q: '1 Gi', ok: false },
  ])('$q → $ok', ({ q, ok }) => {
    expect(MemoryQuantity.safeParse(q).success).toBe(ok);
  });
});
