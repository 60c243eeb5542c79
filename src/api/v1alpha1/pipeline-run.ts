// PipelineRun: one run of a Pipeline at one revision. Its stages run as a DAG;
// each stage attempt is a journalled step of the run's plan.
import { z } from 'zod';
import { resourceSchema } from './meta.js';
import {
  Label,
  LocalRef,
  Mode,
  Name,
  Timestamp,
  cel,
  keepsRequester,
  planStatus,
  requesterField,
  statusBase,
} from './common.js';
import { BranchName, RunOn } from './pipeline.js';

export const PipelineRunSpec = z
  .object({
    pipelineRef: LocalRef,
    revision: z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a git commit SHA (7 to 40 hex digits)'),
    branch: BranchName.optional().describe("The branch the revision is on (default: the Pipeline's source branch)"),
    trigger: z.object({
      type: z.enum(['webhook', 'manual']),
      event: z.string().max(64).optional().describe('webhook: the event that started the run, for example push'),
    }),
    resumeFrom: Name.optional().describe(
      'An earlier run of the same Pipeline and revision: its succeeded stages are reused, the rest run again',
    ),
    status: z
      .enum(['Cancelled'])
      .optional()
      .describe('Cancelled: running stages are stopped, no new stage starts, finally stages still run'),
    mode: Mode.default('auto'),
    requester: requesterField,
  })
  .meta(
    cel(
      {
        rule:
          'self.pipelineRef == oldSelf.pipelineRef && self.revision == oldSelf.revision && ' +
          'self.trigger == oldSelf.trigger && self.mode == oldSelf.mode && ' +
          '(has(self.branch) == has(oldSelf.branch) && (!has(self.branch) || self.branch == oldSelf.branch)) && ' +
          '(has(self.resumeFrom) == has(oldSelf.resumeFrom) && ' +
          '(!has(self.resumeFrom) || self.resumeFrom == oldSelf.resumeFrom))',
        message: "a PipelineRun's spec cannot be changed, except to set spec.status: Cancelled",
      },
      {
        rule: '!has(oldSelf.status) || (has(self.status) && self.status == oldSelf.status)',
        message: 'a cancelled PipelineRun stays cancelled: create a new run (spec.resumeFrom reuses its stages)',
        fieldPath: '.status',
      },
      keepsRequester,
    ),
  );
export type PipelineRunSpec = z.infer<typeof PipelineRunSpec>;

export const StageState = z
  .enum(['Pending', 'Waiting', 'Running', 'Succeeded', 'Failed', 'Skipped', 'Cancelled', 'Reused'])
  .describe(
    'Waiting: for its retry delay; Skipped: a stage it depends on did not succeed; Reused: from spec.resumeFrom',
  );
export type StageState = z.infer<typeof StageState>;

export const Vulnerabilities = z.object({
  critical: z.int().min(0).default(0),
  high: z.int().min(0).default(0),
  medium: z.int().min(0).default(0),
  low: z.int().min(0).default(0),
});

export const StageFindings = z
  .object({
    summary: z.string().max(512).optional(),
    testsPassed: z.int().min(0).optional(),
    testsFailed: z.int().min(0).optional(),
    failedTests: z.array(z.string().max(256)).max(10).optional().describe('The first failed tests, by name'),
    lintErrors: z.int().min(0).optional(),
    lintWarnings: z.int().min(0).optional(),
    vulnerabilities: Vulnerabilities.optional().describe(
      'security: findings by severity (vulnerabilities, secrets, misconfigurations)',
    ),
    details: z.array(z.string().max(256)).max(10).optional().describe('The first findings, one line each'),
    image: z
      .string()
      .max(512)
      .regex(/^[^@\s]+@sha256:[0-9a-f]{64}$/, 'must be an image reference by digest (repository@sha256:…)')
      .optional()
      .describe('build: the image it pushed, by digest'),
  })
  .describe('What the stage found, from its result (never guessed from its log)');
export type StageFindings = z.infer<typeof StageFindings>;

export const StageAttempt = z.object({
  attempt: z.int().min(1),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  exitCode: z.int().nullable().optional(),
  reason: z.string().max(512).optional(),
});

export const StageStatus = z.object({
  name: Label,
  state: StageState,
  finally: z.boolean().optional().describe('A finally stage'),
  runOn: RunOn.optional(),
  attempts: z.int().min(0).default(0),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  durationSeconds: z.number().min(0).optional(),
  attemptStartedAt: Timestamp.optional().describe('While Running: when the current attempt started'),
  nextAttemptAt: Timestamp.optional().describe('While Waiting: when the next attempt starts'),
  exitCode: z.int().nullable().optional(),
  message: z.string().max(2048).optional(),
  findings: StageFindings.optional(),
  log: z
    .string()
    .max(512)
    .optional()
    .describe('Where the log is: kubectl logs job/<name>, or kubectl bosun logs pipelinerun <run> --stage <stage>'),
  history: z.array(StageAttempt).max(10).optional().describe('Earlier attempts, oldest first'),
  reusedFrom: Name.optional().describe('The run whose result this stage reuses'),
});
export type StageStatus = z.infer<typeof StageStatus>;

export const PipelineRunPhase = z.enum([
  'Pending',
  'Queued',
  'AwaitingApproval',
  'Denied',
  'Planned',
  'Running',
  'Succeeded',
  'Failed',
  'Cancelled',
  'Refused',
  'Stalled',
]);
export type PipelineRunPhase = z.infer<typeof PipelineRunPhase>;

export const PipelineRunStatus = z.object({
  ...statusBase,
  phase: PipelineRunPhase.optional(),
  ...planStatus,
  stages: z.array(StageStatus).max(25).optional(),
  failedStage: Label.optional(),
  deadline: Timestamp.optional().describe("When the Pipeline's timeoutSeconds stops the run"),
  durationSeconds: z.number().min(0).optional(),
  duration: z.string().max(32).optional().describe('The run so far, or in all: 1m20s'),
});
export type PipelineRunStatus = z.infer<typeof PipelineRunStatus>;

export const PipelineRun = resourceSchema(PipelineRunSpec, PipelineRunStatus);
export type PipelineRun = z.infer<typeof PipelineRun>;
