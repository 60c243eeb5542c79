// The protocol between the operator and its pipeline runners (`bosun runner`): the one
// source of both sides' request and response bodies. A runner registers, claims stage work,
// heartbeats the ids it runs (and hears which to cancel), and reports each work item started
// and finished. Every string, array and record is bounded, and every body fits MAX_BODY_BYTES,
// so a hostile peer cannot make either side buffer or parse unbounded data: each side refuses
// a larger body before it parses it. Every request is signed (sign.ts).
import { z } from 'zod';
import { Label, Name } from '../api/v1alpha1/common.js';

/** The operator's paths; every request is a JSON POST. */
export const RUNNER_PATHS = {
  register: '/runner/register',
  claim: '/runner/claim',
  heartbeat: '/runner/heartbeat',
  report: '/runner/report',
} as const;
export type RunnerPath = (typeof RUNNER_PATHS)[keyof typeof RUNNER_PATHS];

/** No body, request or response, may be larger; bigger ones are refused unread. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Work items a runner may run at once, and so claim in one request. */
export const MAX_CAPACITY = 64;
/** The tail of a command's output a report carries. */
export const MAX_OUTPUT_CHARS = 32 * 1024;
/** The stage's result JSON, as text. */
export const MAX_RESULT_CHARS = 4096;
export const MAX_REASON_CHARS = 1024;
export const MAX_COMMAND_ARGS = 64;
export const MAX_ARG_CHARS = 4096;
export const MAX_ENV_ENTRIES = 64;
export const MAX_ENV_VALUE_CHARS = 8192;

/** A runner's name: a DNS-1123 label, so it can be a Pod's or a Secret key's name. */
export const RunnerName = Label;
export type RunnerName = z.infer<typeof RunnerName>;

/** A work item's id: the stage attempt's step id, safe in a path, a log line and a file name. */
export const WorkId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be 1 to 128 letters, digits, dots, underscores or dashes');
export type WorkId = z.infer<typeof WorkId>;

/** An ISO 8601 time in UTC (`Date.toISOString()`). */
export const IsoTime = z.iso.datetime();

export const RegisterRequest = z.strictObject({
  runner: RunnerName,
  capacity: z.int().min(1).max(MAX_CAPACITY),
  version: z.string().min(1).max(64),
  /** what it runs now: anything else given to this runner is lost (a restarted runner runs nothing) */
  running: z.array(WorkId).max(MAX_CAPACITY).default([]),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const RegisterResponse = z.object({
  /** how often the runner heartbeats; the operator counts a runner gone after a few missed beats */
  heartbeatSeconds: z.int().min(1).max(300),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const ClaimRequest = z.strictObject({
  runner: RunnerName,
  /** how many items the runner can start now; the operator sends at most this many */
  free: z.int().min(1).max(MAX_CAPACITY),
});
export type ClaimRequest = z.infer<typeof ClaimRequest>;

export const WorkLimits = z.strictObject({
  timeoutSeconds: z.int().min(1).max(86_400),
  cpuSeconds: z.int().min(1).max(86_400),
  memoryBytes: z
    .int()
    .min(1024 * 1024)
    .max(64 * 1024 ** 3),
  maxOutputBytes: z
    .int()
    .min(1024)
    .max(64 * 1024 * 1024),
});
export type WorkLimits = z.infer<typeof WorkLimits>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * BOSUN_* variables are the operator's own word on the stage (its revision, attempt, the image a build pushed): no
 * credential, so not masked in what the runner reports. Every other value may be one, and is masked.
 */
export const isBosunVariable = (name: string) => name.startsWith('BOSUN_');

export const WorkItem = z.strictObject({
  id: WorkId,
  run: z.strictObject({ namespace: Label, name: Name }),
  stage: Label,
  attempt: z.int().min(1).max(100),
  command: z.array(z.string().max(MAX_ARG_CHARS)).min(1).max(MAX_COMMAND_ARGS),
  /** never logged; every value but the BOSUN_* ones (isBosunVariable) is masked in what the runner reports */
  env: z.record(z.string().max(128), z.string().max(MAX_ENV_VALUE_CHARS)).superRefine((env, ctx) => {
    const names = Object.keys(env);
    if (names.length > MAX_ENV_ENTRIES)
      ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_ENV_ENTRIES} entries` });
    // zod's own message for a bad record key ("Invalid key in record") does not say what a key must be
    for (const name of names.filter((n) => !ENV_NAME.test(n))) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
      });
    }
  }),
  network: z.boolean(),
  /** cloned into the workspace by the runner (outside the sandbox) before the command runs */
  source: z
    .strictObject({
      repo: z
        .string()
        .max(2048)
        .regex(/^(https?|git):\/\/[^\s]+$/, 'must be an https://, http:// or git:// URL'),
      revision: z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a git commit SHA'),
    })
    .optional(),
  /** a stage agent whose report files the runner reads and parses after the command (src/stages) */
  agent: z.enum(['lint', 'test', 'build', 'security']).optional(),
  limits: WorkLimits,
  /** the runner never starts the item after this time */
  deadline: IsoTime,
});
export type WorkItem = z.infer<typeof WorkItem>;

export const ClaimResponse = z.object({
  /** empty: nothing to do now, the runner polls again after a delay */
  work: z.array(WorkItem).max(MAX_CAPACITY),
});
export type ClaimResponse = z.infer<typeof ClaimResponse>;

export const HeartbeatRequest = z.strictObject({
  runner: RunnerName,
  running: z.array(WorkId).max(MAX_CAPACITY),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export const HeartbeatResponse = z.object({
  /** ids the runner must stop now; ids it does not run are ignored */
  cancel: z.array(WorkId).max(MAX_CAPACITY),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const Outcome = z.enum(['exited', 'timeout', 'cancelled', 'killed']);
export type Outcome = z.infer<typeof Outcome>;

/**
 * A work item started or finished. The operator takes reports idempotently by id and state, so
 * the runner resends one until it is acknowledged. A finished report carries the outcome.
 */
export const Report = z
  .strictObject({
    runner: RunnerName,
    id: WorkId,
    state: z.enum(['started', 'finished']),
    startedAt: IsoTime,
    finishedAt: IsoTime.optional(),
    outcome: Outcome.optional(),
    /** null when the command was ended by a signal or never ran */
    exitCode: z.int().min(0).max(255).nullable().optional(),
    reason: z.string().max(MAX_REASON_CHARS).optional(),
    /** the tail of the command's output, masked */
    output: z.string().max(MAX_OUTPUT_CHARS).optional(),
    /** the stage's result JSON, as text */
    result: z.string().max(MAX_RESULT_CHARS).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.state === 'finished' && (r.outcome === undefined || r.finishedAt === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'a finished report needs outcome and finishedAt' });
    }
    if (r.state === 'started' && (r.outcome !== undefined || r.finishedAt !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'a started report has no outcome or finishedAt' });
    }
  });
export type Report = z.infer<typeof Report>;

export const ReportResponse = z.object({ ok: z.literal(true) });
export type ReportResponse = z.infer<typeof ReportResponse>;

/** What the operator answers on a 4xx: a machine reason (CamelCase) and a message for people. */
export const ErrorBody = z.object({
  reason: z
    .string()
    .max(64)
    .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a CamelCase reason'),
  message: z.string().max(MAX_REASON_CHARS),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * The reason the operator gives (with 409) when a runner it does not know as registered claims,
 * heartbeats or reports, after a restart of the operator for one: the runner registers again.
 */
export const NOT_REGISTERED = 'NotRegistered';

/** The byte length of a body as sent (UTF-8). */
export const bodyBytes = (body: string): number => Buffer.byteLength(body, 'utf8');

/**
 * A body as JSON, or how large it would be when it exceeds MAX_BODY_BYTES. Reports fit by
 * construction (their bounds, even with every character escaped, stay under it); a claim
 * response is the one the sender must pack: as many work items as fit.
 */
export function encodeBody(value: unknown): { ok: true; body: string } | { ok: false; bytes: number } {
  const body = JSON.stringify(value);
  const bytes = bodyBytes(body);
  return bytes <= MAX_BODY_BYTES ? { ok: true, body } : { ok: false, bytes };
}
