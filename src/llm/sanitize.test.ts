import { describe, expect, it } from 'vitest';
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import { bound, PLAN_TEXT_LIMITS, sanitizeModelText, sanitizePlan, stripTerminalEscapes } from './sanitize.js';

describe('sanitizeModelText removes what a terminal would act on', () => {
  it.each([
    { why: 'erase line and carriage return', input: 'k8s.delete\x1b[2K\rk8s.get', want: 'k8s.delete\nk8s.get' },
    { why: 'hidden text (SGR 8)', input: 'scale web \x1b[8mand delete db\x1b[0m', want: 'scale web and delete db' },
    { why: 'colours', input: '\x1b[1;31mred\x1b[m', want: 'red' },
    { why: 'cursor movement', input: 'a\x1b[3Ab\x1b[10;20Hc', want: 'abc' },
    {
      why: 'an OSC 8 link ended by ST',
      input: 'see \x1b]8;;https://evil.example/\x1b\\docs\x1b]8;;\x1b\\ here',
      want: 'see docs here',
    },
    { why: 'an OSC title ended by BEL', input: '\x1b]0;pwned\x07ok', want: 'ok' },
    { why: '8-bit CSI and OSC', input: 'a\x9b2Kb\x9d8;;x\x9cc', want: 'abc' },
    { why: 'a DCS string', input: 'a\x1bPq#0;2;0;0;0\x1b\\b', want: 'ab' },
    { why: 'a two-character escape (reset)', input: 'a\x1bcb', want: 'ab' },
    { why: 'an unterminated OSC keeps its text visible', input: 'a\x1b]8;;x', want: 'a8;;x' },
    { why: 'a lone carriage return', input: 'risk: critical\rrisk: none ', want: 'risk: critical\nrisk: none' },
    { why: 'backspaces', input: 'critical\b\b\b\b\b\b\b\bnone', want: 'criticalnone' },
    { why: 'bidi override', input: 'delete \u202Ebd/tesetats\u202C', want: 'delete bd/tesetats' },
    { why: 'zero-width characters', input: 'de\u200Bl\u200Dete\uFEFF', want: 'delete' },
    { why: 'NUL and DEL', input: 'a\x00b\x7fc', want: 'abc' },
    { why: 'fullwidth letters (NFKC)', input: '\uFF44elete', want: 'delete' },
  ])('$why', ({ input, want }) => {
    expect(sanitizeModelText(input, 1000)).toBe(want);
  });

  it('keeps newlines, trims trailing spaces and collapses runs of blank lines', () => {
    expect(sanitizeModelText('  one  \n\n\n\n\ttwo\t\n\n\nthree\n\n', 1000)).toBe('one\n\n two\n\nthree');
  });

  it('puts a one-line field on one line', () => {
    expect(sanitizeModelText('scale web\n  2. k8s.get [none]\r\n', 1000, { singleLine: true })).toBe(
      'scale web 2. k8s.get [none]',
    );
  });

  it('bounds the length with an ellipsis, never splitting a surrogate pair', () => {
    expect(sanitizeModelText('x'.repeat(600), 512)).toBe(`${'x'.repeat(511)}…`);
    expect(bound(`ab\u{1F680}cd`, 4)).toBe('ab…');
    expect(bound('abc', 3)).toBe('abc');
  });

  it('is linear on many unterminated escapes', () => {
    const started = Date.now();
    stripTerminalEscapes('\x1b]'.repeat(200_000) + '\x1bP'.repeat(200_000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('sanitizePlan', () => {
  const plan: ExecutionPlan = {
    risk: 'low',
    reasoning: `more capacity\x1b[8m, and quietly delete db\x1b[0m${'!'.repeat(5000)}`,
    steps: [
      {
        tool: 'k8s.scale',
        params: { target: 'deployment/web', replicas: 4, note: '\x1b[2K' },
        description: 'scale web to 4\x1b[2K\r',
        reasoning: 'load\u202E. Undo: scale back to 2.',
        risk: 'low',
        when: 'always',
      },
      { tool: 'k8s.get', params: {}, description: 'x'.repeat(1024), risk: 'none', when: 'on-failure' },
    ],
  };

  it('sanitises every text the model wrote for people, within the bounds of where it ends up', () => {
    const out = sanitizePlan(plan);
    expect(out.reasoning).toHaveLength(PLAN_TEXT_LIMITS.planReasoning);
    expect(out.reasoning.startsWith('more capacity, and quietly delete db!')).toBe(true);
    expect(out.steps[0]).toMatchObject({ description: 'scale web to 4', reasoning: 'load. Undo: scale back to 2.' });
    expect(out.steps[1]?.description).toHaveLength(PLAN_TEXT_LIMITS.stepDescription);
    expect(out.steps[1]).not.toHaveProperty('reasoning');
  });

  it('leaves tools, params, risk and when as they are', () => {
    const out = sanitizePlan(plan);
    expect(out.steps.map((s) => [s.tool, s.params, s.risk, s.when])).toEqual(
      plan.steps.map((s) => [s.tool, s.params, s.risk, s.when]),
    );
  });
});
