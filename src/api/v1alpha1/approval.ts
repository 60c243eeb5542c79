// Approval: created by Bosun when policy requires a human; approvers append
// their decision. Everything but the decisions is fixed at creation.
import { z } from 'zod';
import { Approvers, ObjectRef, Requester, RiskLevel, Timestamp, cel, immutable, statusBase } from './common.js';

export const Decision = z.object({
  user: z.string().min(1).max(253).describe('The deciding user; admission checks it is the authenticated user'),
  decision: z.enum(['approve', 'deny']),
  comment: z.string().max(1024).default(''),
  decidedAt: Timestamp.optional(),
  groups: z
    .array(z.string().min(1).max(253))
    .max(64)
    .optional()
    .describe("The decider's groups, stamped at admission from the API server (never typed)"),
});
export type Decision = z.infer<typeof Decision>;

export const ApprovalStep = z.object({
  index: z.int().min(0).max(49),
  tool: z.string().min(1).max(63),
  summary: z.string().max(512),
  risk: RiskLevel,
  diff: z
    .array(z.string().max(512))
    .max(21)
    .optional()
    .describe('What the step will change (old → new), from a server-side dry-run; Secret values never shown'),
});

export const ApprovalSpec = z
  .object({
    subjectRef: ObjectRef.meta(immutable('subjectRef')).describe('The Goal or Remediation whose plan this approves'),
    requester: Requester.optional()
      .meta(immutable('requester'))
      .describe('Who asked for the subject (stamped at admission); cannot approve it'),
    authority: z
      .string()
      .max(2048)
      .optional()
      .meta(immutable('authority'))
      .describe("Whose Kubernetes rights the plan runs on: the requester's, or (when they lack them) the approvers'"),
    planHash: z
      .string()
      .regex(/^[a-f0-9]{64}$/, 'must be a sha256 hex digest')
      .meta(immutable('planHash')),
    steps: z.array(ApprovalStep).min(1).max(50).meta(immutable('steps')),
    risk: RiskLevel.meta(immutable('risk')),
    reasons: z
      .array(z.string().max(512))
      .max(20)
      .default([])
      .meta(immutable('reasons'))
      .describe('The risk rules that raised the risk'),
    runbook: z
      .string()
      .max(8192)
      .default('')
      .meta(immutable('runbook'))
      .describe('What will happen and how to undo it, in plain language: an approver reads what Bosun wrote'),
    approvers: Approvers.meta(
      cel(
        { rule: 'self == oldSelf', message: 'approvers are immutable; create a new object instead' },
        { rule: 'size(self.users) + size(self.groups) > 0', message: 'list at least one approver user or group' },
      ),
    ),
    requiredApprovals: z.int().min(1).max(10).meta(immutable('requiredApprovals')),
    expiresAt: Timestamp.meta(immutable('expiresAt')),
    decisions: z
      .array(Decision)
      .max(20)
      .default([])
      .meta(
        cel(
          { rule: 'self.all(d, self.exists_one(e, e.user == d.user))', message: 'each approver decides once' },
          {
            rule:
              'size(self) >= size(oldSelf) && size(self) <= size(oldSelf) + 1 && ' +
              'oldSelf.all(d, self.indexOf(d) == oldSelf.indexOf(d))',
            message:
              'decisions are append-only, one at a time: an existing decision cannot be changed, moved or removed',
            reason: 'FieldValueForbidden',
          },
        ),
      ),
  })
  .meta(
    cel({
      // a transition rule on a field holds only while the field is there: these may not come or go either
      rule: 'has(self.requester) == has(oldSelf.requester) && has(self.authority) == has(oldSelf.authority)',
      message: 'requester and authority are set when Bosun creates the Approval; they cannot be added or removed',
    }),
  )
  .describe('Fixed when Bosun creates it, but for the decisions approvers append');
export type ApprovalSpec = z.infer<typeof ApprovalSpec>;

export const ApprovalState = z.enum(['Pending', 'Approved', 'Denied', 'Expired', 'Superseded']);
export type ApprovalState = z.infer<typeof ApprovalState>;

export const ApprovalStatus = z.object({
  ...statusBase,
  state: ApprovalState.optional(),
  approvals: z.int().min(0).optional().describe('Approvals counted so far'),
  decidedBy: z.array(z.string().max(253)).max(20).optional(),
  decidedAt: Timestamp.optional(),
});
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;
