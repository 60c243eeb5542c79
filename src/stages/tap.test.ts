import { describe, expect, it } from 'vitest';
import { parseTap } from './tap.js';
import { testdata } from './stages.testdata.js';

describe('parseTap on node --test --test-reporter=tap', () => {
  it("names the founding commit's 2 flaky tests and does not count the describe block as a test", () => {
    const r = parseTap(testdata('tap-fail.tap'));
    expect(r.ok && r.report).toEqual({
      summary: '6 tests passed, 2 failed',
      findings: {
        testsPassed: 6,
        testsFailed: 2,
        failedTests: ['the rates service answers', 'the rates service returns today’s rates'],
        details: [
          'FAIL the rates service answers: the rates service timed out (a flaky dependency, first attempt)',
          'FAIL the rates service returns today’s rates: the rates service returned a stale response (first attempt)',
        ],
      },
    });
  });

  it('reads nested subtests, skips and todos, escaped names and single-line errors', () => {
    const tap = [
      'TAP version 13',
      '# Subtest: outer',
      '    # Subtest: inner \\# 1',
      '    not ok 1 - inner \\# 1',
      '      ---',
      "      error: 'expected 1, got 2'",
      '      ok 7 - this is YAML, not a test point',
      '      ...',
      '    ok 2 - skipped one # SKIP not now',
      '    ok 3 - todo one # TODO',
      '    1..3',
      'not ok 1 - outer',
      'ok 2',
      '1..2',
    ].join('\n');
    expect(parseTap(tap)).toEqual({
      ok: true,
      report: {
        summary: '1 test passed, 1 failed, 2 skipped',
        findings: {
          testsPassed: 1,
          testsFailed: 1,
          failedTests: ['inner # 1'],
          details: ['FAIL inner # 1: expected 1, got 2'],
        },
      },
    });
  });

  it('reads a plan of no tests as no tests run', () => {
    expect(parseTap('TAP version 13\n1..0\n')).toEqual({
      ok: true,
      report: { summary: 'no tests ran', findings: { testsPassed: 0, testsFailed: 0 } },
    });
  });

  it('fails clearly on what is not TAP', () => {
    for (const text of ['', 'Error: Cannot find module', testdata('junit-fail.xml'), testdata('eslint.json')]) {
      const r = parseTap(text);
      expect(r.ok, text.slice(0, 40)).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(
          /^expected a TAP report \(ok \/ not ok test points\), saw .* \(no test point and no plan\)$/,
        );
        expect(r.problem.length).toBeLessThan(300);
      }
    }
  });
});
