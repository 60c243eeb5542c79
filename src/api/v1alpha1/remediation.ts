// Remediation: an issue to diagnose and, if policy allows, to heal.
import { z } from 'zod';
import {
  Mode,
  ObjectRef,
  Plan,
  Planner,
  Timestamp,
  cel,
  keepsRequester,
  requesterField,
  statusBase,
} from './common.js';

export const IssueSource = z.enum(['alert', 'pod-state', 'failed-stage', 'manual']);

export const RemediationSpec = z
  .object({
    issue: z.object({
      source: IssueSource,
      fingerprint: z.string().min(1).max(128).describe('Stable identity of the issue, for de-duplication'),
      summary: z.string().min(1).max(1024),
      severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    }),
    targetRef: ObjectRef,
    symptoms: z.array(z.string().min(1).max(1024)).max(20).default([]),
    mode: Mode.default('auto'),
    planner: Planner.default('rules'),
    requester: requesterField,
  })
  .meta(cel(keepsRequester));
export type RemediationSpec = z.infer<typeof RemediationSpec>;

export const RemediationPhase = z.enum([
  'Pending',
  'Diagnosing',
  'AwaitingApproval',
  'Healing',
  'Verifying',
  'Healed',
  'Failed',
  'Escalated',
  'Stalled',
]);

export const RemediationStatus = z.object({
  ...statusBase,
  phase: RemediationPhase.optional(),
  diagnosis: z
    .object({
      evidence: z
        .array(z.object({ source: z.string().max(253), summary: z.string().max(2048) }))
        .max(20)
        .default([]),
      hypothesis: z.string().max(4096).optional(),
    })
    .optional(),
  plan: Plan.optional(),
  verification: z
    .object({
      result: z.enum(['Pending', 'Passed', 'Failed']),
      message: z.string().max(2048).optional(),
      checkedAt: Timestamp.optional(),
    })
    .optional(),
  ticket: z.object({ url: z.url().max(2048) }).optional(),
});
export type RemediationStatus = z.infer<typeof RemediationStatus>;
