// PipelineRun: one run of a Pipeline at one revision.
import { z } from 'zod';
import { Label, LocalRef, Timestamp, immutable, requesterField, statusBase } from './common.js';

export const PipelineRunSpec = z
  .object({
    pipelineRef: LocalRef,
    revision: z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a git commit SHA (7 to 40 hex digits)'),
    trigger: z.object({
      type: z.enum(['webhook', 'manual']),
      event: z.string().max(64).optional().describe('webhook: the event that started the run, for example push'),
    }),
    requester: requesterField,
  })
  .meta(immutable("a PipelineRun's spec"));
export type PipelineRunSpec = z.infer<typeof PipelineRunSpec>;

export const StageState = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped', 'Cancelled']);

export const StageStatus = z.object({
  name: Label,
  state: StageState,
  attempts: z.int().min(0).default(0),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  message: z.string().max(2048).optional(),
  findings: z
    .object({
      testsFailed: z.int().min(0).optional(),
      vulnerabilities: z
        .object({
          critical: z.int().min(0).default(0),
          high: z.int().min(0).default(0),
          medium: z.int().min(0).default(0),
          low: z.int().min(0).default(0),
        })
        .optional(),
    })
    .optional(),
});

export const PipelineRunPhase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Halted']);

export const PipelineRunStatus = z.object({
  ...statusBase,
  phase: PipelineRunPhase.optional(),
  stages: z.array(StageStatus).max(20).optional(),
  startedAt: Timestamp.optional(),
  completedAt: Timestamp.optional(),
});
export type PipelineRunStatus = z.infer<typeof PipelineRunStatus>;
