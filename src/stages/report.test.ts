import { describe, expect, it } from 'vitest';
import { count, describeInput, notUnderstood, oneLine, stageReport } from './report.js';

describe('oneLine', () => {
  it('joins whitespace runs into one space and cuts with an ellipsis', () => {
    expect(oneLine('  a\n\tb  c ', 10)).toBe('a b c');
    expect(oneLine('abcdefghijkl', 5)).toBe('abcd…');
    expect(oneLine('abcde', 5)).toBe('abcde');
  });
});

describe('describeInput', () => {
  it('says how long the input is and shows at most 24 printable characters of its start', () => {
    expect(describeInput('')).toBe('an empty file');
    expect(describeInput(' \n ')).toBe('only whitespace');
    const big = `<html>\u0000${'x'.repeat(10_000)}`;
    const said = describeInput(big);
    expect(said).toBe(`${big.length} characters starting with "<html>?xxxxxxxxxxxxxxxxx"`);
    expect(said.length).toBeLessThan(80);
  });
});

describe('stageReport', () => {
  it('cuts details and failed tests to ten lines of at most 256 characters, and the summary to 512', () => {
    const lines = Array.from({ length: 15 }, (_, i) => `line ${i} ${'y'.repeat(300)}`);
    const r = stageReport('s'.repeat(600), { details: lines, failedTests: lines, testsFailed: 15 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.summary).toHaveLength(512);
    expect(r.report.findings.details).toHaveLength(10);
    expect(r.report.findings.failedTests).toHaveLength(10);
    expect(r.report.findings.details!.every((l) => l.length <= 256)).toBe(true);
  });

  it('refuses findings the API would not accept, naming the field', () => {
    const r = stageReport('pushed', { image: 'not-a-digest-ref' });
    expect(r).toEqual({ ok: false, problem: expect.stringMatching(/^the findings do not fit the API \(image: /) });
  });
});

describe('notUnderstood and count', () => {
  it('say what was expected and what was seen', () => {
    expect(notUnderstood('a report', '{"a":1}', 'not XML')).toEqual({
      ok: false,
      problem: 'expected a report, saw 7 characters starting with "{\\"a\\":1}" (not XML)',
    });
    expect([count(1, 'error'), count(2, 'error'), count(2, 'vulnerability', 'vulnerabilities')]).toEqual([
      '1 error',
      '2 errors',
      '2 vulnerabilities',
    ]);
  });
});
