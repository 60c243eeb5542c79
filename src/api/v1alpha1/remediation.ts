// Remediation: an issue to diagnose and, if policy allows, to heal.
import { z } from 'zod';
import { resourceSchema } from './meta.js';
import {
  Label,
  Mode,
  ObjectRef,
  Planner,
  Timestamp,
  cel,
  keepsRequester,
  planStatus,
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
      generatorURL: z
        .string()
        .max(2048)
        .optional()
        .describe("Where the alert comes from (Alertmanager's generatorURL): linked from an escalation ticket"),
      severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    }),
    targetRef: ObjectRef,
    symptoms: z.array(z.string().min(1).max(1024)).max(20).default([]),
    mode: Mode.default('auto'),
    planner: Planner.default('rules'),
    riskPolicyRef: Label.optional().describe(
      'RiskPolicy in this namespace (default: "default", then the cluster default)',
    ),
    requester: requesterField,
  })
  .meta(cel(keepsRequester));
export type RemediationSpec = z.infer<typeof RemediationSpec>;

export const RemediationPhase = z.enum([
  'Pending',
  'Diagnosing',
  'Planned',
  'AwaitingApproval',
  'Healing',
  'Verifying',
  'Healed',
  'Failed',
  'Escalated',
  'Stalled',
]);

export type RemediationPhase = z.infer<typeof RemediationPhase>;

/** What a heal was: the playbook (or the model) that planned it, and how it ended. */
export const HealAttempt = z.object({
  playbook: z.string().max(63),
  at: Timestamp,
  result: z.enum(['Running', 'Healed', 'VerificationFailed', 'StepFailed', 'Denied']).optional(),
});

export const RemediationStatus = z.object({
  ...statusBase,
  phase: RemediationPhase.optional(),
  ...planStatus,
  occurrences: z.int().min(1).optional().describe('How often the issue was reported (alerts and pod-state repeats)'),
  firstSeenAt: Timestamp.optional(),
  lastSeenAt: Timestamp.optional(),
  resolvedAt: Timestamp.optional().describe('When the source said the issue was resolved (an alert resolved)'),
  diagnosis: z
    .object({
      evidence: z
        .array(z.object({ source: z.string().max(253), summary: z.string().max(2048) }))
        .max(20)
        .default([]),
      symptom: z.string().max(63).optional(),
      hypothesis: z.string().max(4096).optional(),
    })
    .optional(),
  heals: z.array(HealAttempt).max(10).optional().describe('What was tried, oldest first'),
  verification: z
    .object({
      result: z.enum(['Pending', 'Passed', 'Failed']),
      message: z.string().max(2048).optional(),
      since: Timestamp.optional().describe('Verification started: the symptoms must stay gone until `until`'),
      until: Timestamp.optional(),
      checkedAt: Timestamp.optional(),
      restarts: z.int().min(0).optional().describe("The target's pods' restarts when verification started"),
    })
    .optional(),
  ticket: z
    .object({
      system: z.enum(['github', 'jira']).optional(),
      id: z.string().max(253).optional(),
      url: z.url().max(2048),
      occurrences: z.int().min(1).optional().describe('The occurrences the ticket has been told of'),
      closedAt: Timestamp.optional().describe('When Bosun closed the ticket: the issue was healed'),
    })
    .optional()
    .describe('The escalation ticket (RiskPolicy spec.escalation.ticket)'),
  ticketRetry: z
    .object({
      action: z.enum(['open', 'comment', 'close']),
      attempts: z.int().min(1),
      at: Timestamp.describe('The failed ticket call is made again then'),
    })
    .optional()
    .describe('A ticket call that failed, and when it is tried again (the Ticketed condition says why)'),
});
export type RemediationStatus = z.infer<typeof RemediationStatus>;

export const Remediation = resourceSchema(RemediationSpec, RemediationStatus);
export type Remediation = z.infer<typeof Remediation>;
