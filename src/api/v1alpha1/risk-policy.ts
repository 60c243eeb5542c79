// RiskPolicy: what happens at each risk level, who approves, what is allowed.
import { z } from 'zod';
import { Approvers, Label, Planner, RiskLevel, cel, statusBase } from './common.js';
import { TicketConfig } from './ticket.js';

export const Action = z
  .enum(['auto', 'approve', 'deny'])
  .describe('auto: run; approve: wait for an Approval; deny: refuse');

/** What Remediations may do, and how they judge a heal. */
export const HealPolicy = z
  .object({
    planner: Planner.default('rules').describe(
      'How the Remediations Bosun opens for alerts and failing pods plan (one made by hand says so itself)',
    ),
    maxHealsPerHour: z
      .int()
      .min(0)
      .max(100)
      .default(3)
      .describe('Most heals per target per hour; past it, a Remediation escalates instead'),
    verifySeconds: z
      .int()
      .min(1)
      .max(86400)
      .default(120)
      .describe('How long the symptoms must stay gone after a heal before it counts as Healed'),
    flapWindowSeconds: z
      .int()
      .min(0)
      .max(604800)
      .default(1800)
      .describe('An issue back this soon after it was healed is flapping: escalated, not healed again'),
    memoryFactor: z.number().min(1.1).max(4).default(1.5).describe("OOMKilled: the container's limit × this"),
    maxMemory: z
      .string()
      .regex(/^[0-9]+(Ki|Mi|Gi|Ti)$/, 'must be a quantity in Ki, Mi, Gi or Ti, for example 4Gi')
      .default('4Gi')
      .describe('OOMKilled: no limit is raised past this (nor past the namespace LimitRange)'),
  })
  .describe('Remediations: how often they may heal a target, and how a heal is judged');
export type HealPolicy = z.infer<typeof HealPolicy>;

export const RiskPolicySpec = z
  .object({
    levels: z
      .object({
        none: Action.default('auto'),
        low: Action.default('auto'),
        medium: Action.default('approve'),
        high: Action.default('approve'),
        critical: Action.default('deny'),
      })
      .default({ none: 'auto', low: 'auto', medium: 'approve', high: 'approve', critical: 'deny' }),
    approvers: Approvers.default({ users: [], groups: [] }),
    requiredApprovals: z.int().min(1).max(10).default(1),
    approvalTTLSeconds: z.int().min(5).max(2592000).default(86400).describe('How long an Approval stays open'),
    onExpiry: z.enum(['deny', 'fail']).default('deny').describe('What an expired Approval does to its Goal'),
    tools: z
      .object({
        allow: z.array(z.string().min(1).max(63)).max(64).optional().describe('When set, only these tools may run'),
        deny: z.array(z.string().min(1).max(63)).max(64).default([]),
      })
      .default({ deny: [] })
      .meta(
        cel({
          rule: '!has(self.allow) || !self.allow.exists(t, t in self.deny)',
          message: 'a tool cannot be both allowed and denied',
        }),
      ),
    protectedNamespaces: z.array(Label).max(64).default(['kube-system']),
    llmStepRiskFloor: RiskLevel.default('medium').describe('Lowest risk a model-proposed step is given'),
    llmFallback: z
      .enum(['none', 'rules'])
      .default('none')
      .describe('When the model cannot be reached, plan typed intents with the rule planner instead'),
    redact: z
      .array(z.enum(['email', 'ipv4']))
      .max(2)
      .default([])
      .describe('Also redact these from what the model is shown (credentials and Secret values always are)'),
    budgets: z
      .object({
        maxStepsPerPlan: z.int().min(1).max(50).default(20),
        maxTokensPerGoal: z.int().min(0).optional(),
        maxTokensPerNamespacePerDay: z.int().min(0).optional(),
        maxCostPerGoalUSD: z.number().min(0).optional(),
        maxCostPerNamespacePerDayUSD: z
          .number()
          .min(0)
          .optional()
          .describe("What the model may cost a namespace per day (UTC), counted in Bosun's etcd"),
      })
      .optional(),
    heal: HealPolicy.default(HealPolicy.parse({})),
    escalation: z
      .object({
        ticket: TicketConfig.optional().describe(
          "An escalated Remediation opens a ticket here; its Secret is read in this RiskPolicy's namespace, " +
            'where Bosun needs the bosun-secret-reader ClusterRole bound',
        ),
      })
      .optional()
      .describe('Where an escalated Remediation goes for a person to take over'),
  })
  .meta(
    cel({
      rule: "!(has(self.levels) && [self.levels.none, self.levels.low, self.levels.medium, self.levels.high, self.levels.critical].exists(a, a == 'approve')) || (has(self.approvers) && size(self.approvers.users) + size(self.approvers.groups) > 0)",
      message: "a level set to 'approve' needs spec.approvers (at least one user or group)",
      fieldPath: '.approvers',
      reason: 'FieldValueRequired',
    }),
  );
export type RiskPolicySpec = z.infer<typeof RiskPolicySpec>;

export const RiskPolicyStatus = z.object({ ...statusBase });
export type RiskPolicyStatus = z.infer<typeof RiskPolicyStatus>;
