import { describe, expect, it } from 'vitest';
import { parseJunit } from './junit.js';
import { testdata } from './stages.testdata.js';

describe('parseJunit on node --test --test-reporter=junit', () => {
  it('counts the sample app as 6 passed, 0 failed (tests in a describe block included)', () => {
    const r = parseJunit(testdata('junit-pass.xml'));
    expect(r).toEqual({
      ok: true,
      report: { summary: '6 tests passed, 0 failed', findings: { testsPassed: 6, testsFailed: 0 } },
    });
  });

  it("names the founding commit's 2 flaky tests on attempt 1, with their first message", () => {
    const r = parseJunit(testdata('junit-fail.xml'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.summary).toBe('6 tests passed, 2 failed');
    expect(r.report.findings).toEqual({
      testsPassed: 6,
      testsFailed: 2,
      failedTests: ['the rates service answers', 'the rates service returns today’s rates'],
      details: [
        'FAIL the rates service answers: the rates service timed out (a flaky dependency, first attempt)true !== false',
        'FAIL the rates service returns today’s rates: ' +
          'the rates service returned a stale response (first attempt)true !== false',
      ],
    });
  });

  it('joins nested suite names, and counts skipped tests as neither passed nor failed', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="cart"><testsuite name="checkout">' +
      '<testcase name="applies the discount"><failure message="1 !== 2">AssertionError</failure></testcase>' +
      '<testcase name="later"><skipped type="todo"/></testcase></testsuite>' +
      '<testcase name="keeps items"><error>boom\nat x</error></testcase></testsuite></testsuites>';
    const r = parseJunit(xml);
    expect(r.ok && r.report).toEqual({
      summary: '0 tests passed, 2 failed, 1 skipped',
      findings: {
        testsPassed: 0,
        testsFailed: 2,
        failedTests: ['cart > checkout > applies the discount', 'cart > keeps items'],
        details: ['FAIL cart > checkout > applies the discount: 1 !== 2', 'FAIL cart > keeps items: boom'],
      },
    });
  });

  it('reads a report with no tests as no tests run', () => {
    const r = parseJunit('<?xml version="1.0"?><testsuites></testsuites>');
    expect(r.ok && r.report).toEqual({ summary: 'no tests ran', findings: { testsPassed: 0, testsFailed: 0 } });
  });

  it('fails clearly on what is not JUnit XML', () => {
    const cases: [string, RegExp][] = [
      ['', /saw an empty file$/],
      ['TAP version 13\nok 1 - a\n', /\(not XML: line 1: /],
      [testdata('eslint-clean.json'), /\(not XML: line 1: /],
      ['<html><body>502 Bad Gateway</body></html>', /\(its root element is <html>\)$/],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites/>', /\(a DOCTYPE is not accepted\)$/],
      ['<testsuites><testcase name="a">', /\(not XML: /],
    ];
    for (const [text, problem] of cases) {
      const r = parseJunit(text);
      expect(r.ok, text.slice(0, 40)).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(/^expected a JUnit XML report \(<testsuites> or <testsuite>\), saw /);
        expect(r.problem).toMatch(problem);
        expect(r.problem.length).toBeLessThan(300);
      }
    }
  });
});
