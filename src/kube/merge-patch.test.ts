import { describe, expect, it } from 'vitest';
import { deepEqual, mergePatch } from './merge-patch.js';

describe('mergePatch', () => {
  it.each([
    { why: 'nothing changed', from: { a: 1, b: { c: [1, 2] } }, to: { a: 1, b: { c: [1, 2] } }, want: undefined },
    { why: 'a changed scalar', from: { a: 1 }, to: { a: 2 }, want: { a: 2 } },
    { why: 'a removed key becomes null', from: { a: 1, b: 2 }, to: { a: 1 }, want: { b: null } },
    { why: 'an undefined key counts as removed', from: { a: 1, b: 2 }, to: { a: 1, b: undefined }, want: { b: null } },
    {
      why: 'nested objects are patched, not replaced',
      from: { s: { x: 1, y: 2 } },
      to: { s: { x: 1, y: 3 } },
      want: { s: { y: 3 } },
    },
    { why: 'arrays are replaced whole', from: { l: [1, 2, 3] }, to: { l: [1, 2] }, want: { l: [1, 2] } },
    { why: 'an added object', from: {}, to: { s: { x: 1 } }, want: { s: { x: 1 } } },
    { why: 'an absent key that stays absent', from: {}, to: { a: undefined }, want: undefined },
  ])('$why', ({ from, to, want }) => {
    expect(mergePatch(from, to)).toEqual(want);
  });
});

describe('deepEqual', () => {
  it('ignores key order and undefined members', () => {
    expect(deepEqual({ a: 1, b: [{ c: 2 }], d: undefined }, { b: [{ c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
