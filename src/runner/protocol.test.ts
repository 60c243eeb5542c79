import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ClaimRequest,
  ClaimResponse,
  ErrorBody,
  HeartbeatRequest,
  MAX_BODY_BYTES,
  MAX_OUTPUT_CHARS,
  MAX_REASON_CHARS,
  MAX_RESULT_CHARS,
  RegisterRequest,
  Report,
  WorkItem,
  encodeBody,
} from './protocol.js';

const item = {
  id: 'build-7f3a.attempt-1',
  run: { namespace: 'team-a', name: 'web-42' },
  stage: 'test',
  attempt: 1,
  command: ['npm', 'test'],
  env: { CI: 'true' },
  network: false,
  limits: { timeoutSeconds: 600, cpuSeconds: 600, memoryBytes: 512 * 1024 * 1024, maxOutputBytes: 1024 * 1024 },
  deadline: '2030-01-01T00:00:00.000Z',
};

/** The first issue's path and message, as a person reading a 400 would see them. */
function firstIssue(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  if (r.success) return 'accepted';
  const i = r.error.issues[0]!;
  return `${i.path.join('.')}: ${i.message}`;
}

describe('protocol bounds', () => {
  it('accepts a well-formed work item, register, claim and report', () => {
    expect(WorkItem.safeParse(item).success).toBe(true);
    expect(RegisterRequest.safeParse({ runner: 'runner-0', capacity: 4, version: '0.1.0' }).success).toBe(true);
    expect(ClaimRequest.safeParse({ runner: 'runner-0', free: 2 }).success).toBe(true);
    const started = { runner: 'runner-0', id: item.id, state: 'started', startedAt: '2030-01-01T00:00:00.000Z' };
    expect(Report.safeParse(started).success).toBe(true);
  });

  // each case: what is wrong, the value, and the path and words the message must carry
  const cases: { why: string; schema: z.ZodType; value: unknown; expect: RegExp }[] = [
    {
      why: 'a runner name that is not a DNS label',
      schema: RegisterRequest,
      value: { runner: 'Runner_0', capacity: 1, version: '1' },
      expect: /^runner: must be a lowercase DNS-1123 label/,
    },
    {
      why: 'capacity above 64',
      schema: RegisterRequest,
      value: { runner: 'r', capacity: 65, version: '1' },
      expect: /^capacity: .*64/,
    },
    {
      why: 'capacity zero',
      schema: RegisterRequest,
      value: { runner: 'r', capacity: 0, version: '1' },
      expect: /^capacity: .*1/,
    },
    {
      why: 'an unknown field (a strict body)',
      schema: ClaimRequest,
      value: { runner: 'r', free: 1, extra: 'x' },
      expect: /Unrecognized key.*extra/,
    },
    {
      why: 'a work id with a slash',
      schema: WorkItem,
      value: { ...item, id: '../etc/passwd' },
      expect: /^id: must be 1 to 128 letters/,
    },
    {
      why: 'a work id of 129 characters',
      schema: WorkItem,
      value: { ...item, id: 'a'.repeat(129) },
      expect: /^id: must be 1 to 128/,
    },
    {
      why: 'an empty command',
      schema: WorkItem,
      value: { ...item, command: [] },
      expect: /^command: .*1/,
    },
    {
      why: '65 command arguments',
      schema: WorkItem,
      value: { ...item, command: Array.from({ length: 65 }, () => 'x') },
      expect: /^command: .*64/,
    },
    {
      why: 'an argument of 4097 characters',
      schema: WorkItem,
      value: { ...item, command: ['sh', 'x'.repeat(4097)] },
      expect: /^command\.1: .*4096/,
    },
    {
      why: '65 environment variables',
      schema: WorkItem,
      value: { ...item, env: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`V${i}`, 'x'])) },
      expect: /^env: must have at most 64 entries/,
    },
    {
      why: 'an environment variable name with a space',
      schema: WorkItem,
      value: { ...item, env: { 'NO SPACE': 'x' } },
      expect: /^env\.NO SPACE: must be an environment variable name/,
    },
    {
      why: 'a deadline that is not an ISO time',
      schema: WorkItem,
      value: { ...item, deadline: 'tomorrow' },
      expect: /^deadline: .*datetime/i,
    },
    {
      why: 'a memory limit below 1 MiB',
      schema: WorkItem,
      value: { ...item, limits: { ...item.limits, memoryBytes: 10 } },
      expect: /^limits\.memoryBytes: /,
    },
    {
      why: 'a claim of more than 64 items',
      schema: ClaimResponse,
      value: { work: Array.from({ length: 65 }, () => item) },
      expect: /^work: .*64/,
    },
    {
      why: 'a heartbeat with a bad id',
      schema: HeartbeatRequest,
      value: { runner: 'r', running: ['ok', 'not ok'] },
      expect: /^running\.1: must be 1 to 128/,
    },
    {
      why: 'an output tail longer than the bound',
      schema: Report,
      value: {
        runner: 'r',
        id: 'a',
        state: 'finished',
        startedAt: '2030-01-01T00:00:00.000Z',
        finishedAt: '2030-01-01T00:00:01.000Z',
        outcome: 'exited',
        exitCode: 0,
        output: 'x'.repeat(MAX_OUTPUT_CHARS + 1),
      },
      expect: /^output: .*32768/,
    },
    {
      why: 'a result longer than 4096 characters',
      schema: Report,
      value: {
        runner: 'r',
        id: 'a',
        state: 'finished',
        startedAt: '2030-01-01T00:00:00.000Z',
        finishedAt: '2030-01-01T00:00:01.000Z',
        outcome: 'exited',
        result: 'x'.repeat(MAX_RESULT_CHARS + 1),
      },
      expect: /^result: .*4096/,
    },
    {
      why: 'a finished report without an outcome',
      schema: Report,
      value: { runner: 'r', id: 'a', state: 'finished', startedAt: '2030-01-01T00:00:00.000Z' },
      expect: /^outcome: a finished report needs outcome and finishedAt/,
    },
    {
      why: 'an outcome Bosun does not know',
      schema: Report,
      value: {
        runner: 'r',
        id: 'a',
        state: 'finished',
        startedAt: '2030-01-01T00:00:00.000Z',
        finishedAt: '2030-01-01T00:00:01.000Z',
        outcome: 'exploded',
      },
      expect: /^outcome: /,
    },
    {
      why: 'an error reason that is not CamelCase',
      schema: ErrorBody,
      value: { reason: 'bad reason', message: 'm' },
      expect: /^reason: must be a CamelCase reason/,
    },
  ];

  it.each(cases)('refuses $why', ({ schema, value, expect: message }) => {
    expect(firstIssue(schema, value)).toMatch(message);
  });

  it('fits the largest possible report in MAX_BODY_BYTES, even with every character escaped', () => {
    const worst = '\u0001'; // JSON writes it as \u0001: six bytes for one character
    const report = Report.parse({
      runner: 'r'.repeat(63),
      id: 'i'.repeat(128),
      state: 'finished',
      startedAt: '2030-01-01T00:00:00.000Z',
      finishedAt: '2030-01-01T00:00:01.000Z',
      outcome: 'exited',
      exitCode: 255,
      reason: worst.repeat(MAX_REASON_CHARS),
      output: worst.repeat(MAX_OUTPUT_CHARS),
      result: worst.repeat(MAX_RESULT_CHARS),
    });
    expect(encodeBody(report).ok).toBe(true);
  });

  it('says how large a body is when it does not fit', () => {
    const r = encodeBody({ work: Array.from({ length: 64 }, () => ({ ...item, command: ['x'.repeat(4096)] })) });
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.bytes).toBeGreaterThan(MAX_BODY_BYTES);
  });
});
