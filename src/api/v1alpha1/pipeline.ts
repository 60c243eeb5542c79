// Pipeline: CI/CD stages run as isolated agents, started by a PipelineRun.
import { z } from 'zod';
import { Label, SecretKeyRef, Timestamp, cel, statusBase } from './common.js';

export const StageAgent = z.enum(['lint', 'test', 'build', 'security', 'deploy', 'report']);

export const RetryPolicy = z.object({
  max: z.int().min(0).max(10).default(0).describe('Retries after the first attempt'),
  backoffSeconds: z.int().min(1).max(3600).default(10).describe('First backoff; doubles per retry'),
});

export const Stage = z.object({
  name: Label,
  agent: StageAgent,
  image: z.string().min(1).max(512).optional(),
  command: z.array(z.string().max(4096)).max(64).optional(),
  dependsOn: z
    .array(Label)
    .max(20)
    .default([])
    .describe('Stages that must succeed first; stages without a path between them run in parallel'),
  timeoutSeconds: z.int().min(1).max(86400).default(1800),
  retry: RetryPolicy.optional(),
});

export const NotifyTarget = z
  .object({
    type: z.enum(['slack', 'github-status', 'github-issue']),
    secretRef: SecretKeyRef.optional().describe('Webhook URL or token'),
    on: z
      .array(z.enum(['success', 'failure', 'halt']))
      .max(3)
      .default(['failure', 'halt']),
  })
  .meta(
    cel({
      rule: "self.type == 'github-status' || has(self.secretRef)",
      message: 'slack and github-issue targets need secretRef',
      fieldPath: '.secretRef',
      reason: 'FieldValueRequired',
    }),
  );

export const PipelineSpec = z
  .object({
    source: z.object({
      repo: z.url().max(2048).describe('Git repository URL'),
      branch: z.string().min(1).max(255).default('main'),
    }),
    stages: z.array(Stage).min(1).max(20),
    retry: RetryPolicy.optional().describe('Default retry policy for stages without their own'),
    haltAfterFailures: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('Stop triggering runs after this many consecutive failed runs'),
    notify: z.array(NotifyTarget).max(10).default([]),
    deploy: z
      .object({
        environment: Label,
        namespace: Label,
      })
      .optional(),
  })
  .meta(
    cel(
      {
        rule: 'self.stages.all(s, self.stages.exists_one(t, t.name == s.name))',
        message: 'stage names must be unique',
        fieldPath: '.stages',
      },
      {
        rule: 'self.stages.all(s, s.dependsOn.all(d, d != s.name && self.stages.exists(t, t.name == d)))',
        message: 'every dependsOn must name another stage of this pipeline',
        fieldPath: '.stages',
      },
      {
        rule: "!self.stages.exists(s, s.agent == 'deploy') || has(self.deploy)",
        message: 'a deploy stage needs spec.deploy (environment and namespace)',
        fieldPath: '.deploy',
        reason: 'FieldValueRequired',
      },
    ),
  );
export type PipelineSpec = z.infer<typeof PipelineSpec>;

export const PipelineStatus = z.object({
  ...statusBase,
  lastRun: z
    .object({
      name: Label,
      phase: z.string().max(32),
      startedAt: Timestamp.optional(),
      completedAt: Timestamp.optional(),
    })
    .optional(),
  successCount: z.int().min(0).default(0),
  failureCount: z.int().min(0).default(0),
  consecutiveFailures: z.int().min(0).default(0),
});
export type PipelineStatus = z.infer<typeof PipelineStatus>;
