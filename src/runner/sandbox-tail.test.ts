import { describe, expect, it } from 'vitest';
import { OutputTail } from './sandbox-tail.js';

const push = (tail: OutputTail, ...chunks: string[]): OutputTail => {
  for (const c of chunks) tail.push(Buffer.from(c));
  return tail;
};

describe('OutputTail', () => {
  it.each([
    { why: 'under the budget: everything', max: 10, chunks: ['ab', 'cd'], want: 'abcd' },
    { why: 'exactly the budget', max: 4, chunks: ['ab', 'cd'], want: 'abcd' },
    { why: 'over: whole chunks dropped from the head', max: 4, chunks: ['ab', 'cd', 'ef'], want: 'cdef' },
    { why: 'over: a chunk cut in the middle', max: 3, chunks: ['ab', 'cd'], want: 'bcd' },
    { why: 'one chunk larger than the budget keeps its end', max: 3, chunks: ['abcdefg'], want: 'efg' },
    { why: 'a zero budget keeps nothing', max: 0, chunks: ['abc'], want: '' },
  ])('$why', ({ max, chunks, want }) => {
    expect(push(new OutputTail(max), ...chunks).text()).toBe(want);
  });

  it('never holds more than its budget however much streams through', () => {
    const tail = new OutputTail(1000);
    for (let i = 0; i < 10_000; i++) tail.push(Buffer.from(`line ${i}\n`));
    const text = tail.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
    expect(text.endsWith('line 9999\n')).toBe(true);
  });

  it('drops a character cut at the start of the tail instead of showing U+FFFD', () => {
    // "é" is two bytes (c3 a9); a 4-byte budget over "aé€" (1 + 2 + 3 bytes) starts inside "é"
    const text = push(new OutputTail(4), 'aé€').text();
    expect(text).toBe('€');
    expect(text).not.toContain('\uFFFD');
  });
});
