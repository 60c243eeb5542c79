// Pipeline: CI/CD stages run as isolated agents, started by a PipelineRun.
import { z } from 'zod';
import { resourceSchema } from './meta.js';
import { Label, Name, SecretKeyRef, TargetRef, Timestamp, cel, statusBase } from './common.js';

export const StageAgent = z.enum(['lint', 'test', 'build', 'security', 'deploy', 'report']);

export const RetryPolicy = z.object({
  max: z.int().min(0).max(10).default(0).describe('Retries after the first attempt'),
  backoffSeconds: z.int().min(0).max(3600).default(10).describe('Delay before the first retry'),
  factor: z.number().min(1).max(10).default(2).describe('Each later retry waits this many times longer'),
  maxBackoffSeconds: z.int().min(0).max(86400).default(3600).describe('The longest delay between two attempts'),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

export const RunOn = z
  .enum(['cluster', 'runner'])
  .describe('cluster: a hardened Kubernetes Job per attempt; runner: a sandboxed command on a bosun runner');
export type RunOn = z.infer<typeof RunOn>;

export const ConcurrencyPolicy = z
  .enum(['Queue', 'CancelPrevious'])
  .describe('Queue: a new run waits for the running one; CancelPrevious: it cancels the running run of its branch');

export const Stage = z.object({
  name: Label,
  agent: StageAgent,
  image: z.string().min(1).max(512).optional().describe('The image a cluster stage runs'),
  command: z.array(z.string().max(4096)).max(64).optional(),
  dependsOn: z
    .array(Label)
    .max(20)
    .default([])
    .describe('Stages that must succeed first; stages without a path between them run in parallel'),
  runOn: RunOn.optional().describe("Where the stage runs (default: the Pipeline's spec.runOn)"),
  timeoutSeconds: z.int().min(1).max(86400).default(1800).describe('Each attempt is stopped at this'),
  retry: RetryPolicy.optional(),
  network: z.boolean().default(false).describe('runner: the command may reach the network'),
  checkout: z
    .boolean()
    .default(true)
    .describe("runner: spec.source is cloned at the run's revision into /workspace first (false: an empty one)"),
  serviceAccountToken: z
    .boolean()
    .default(false)
    .describe("cluster: mount the executor ServiceAccount's token (off: the pod has no API credentials)"),
  resources: z
    .object({
      cpu: z.string().max(32).optional().describe('CPU limit: 500m, 2'),
      memory: z.string().max(32).optional().describe('memory limit: 512Mi, 2Gi'),
    })
    .optional(),
});
export type Stage = z.infer<typeof Stage>;

export const NotifyEvent = z.enum(['success', 'failure', 'halt']);
export type NotifyEvent = z.infer<typeof NotifyEvent>;

export const NotifyTarget = z
  .object({
    type: z
      .enum(['slack', 'github-status'])
      .describe(
        'slack: an incoming webhook; github-status: a commit status per stage and overall on spec.source.github',
      ),
    secretRef: SecretKeyRef.describe("slack: the webhook's URL; github-status: a token that may write commit statuses"),
    apiUrl: z
      .url()
      .max(2048)
      .optional()
      .describe(
        'github-status: the REST API root (default https://api.github.com; GitHub Enterprise: https://HOST/api/v3)',
      ),
    on: z
      .array(NotifyEvent)
      .max(3)
      .default(['failure', 'halt'])
      .describe('slack: which ends of a run are told (github-status reports every run)'),
  })
  .meta(
    cel({
      rule: "self.type == 'github-status' || !has(self.apiUrl)",
      message: 'apiUrl is only for github-status targets',
      fieldPath: '.apiUrl',
    }),
  );
export type NotifyTarget = z.infer<typeof NotifyTarget>;

export const SecurityThreshold = z
  .enum(['critical', 'high', 'medium', 'low'])
  .describe('A security stage with a finding at or above this severity fails, and halts the Pipeline');
export type SecurityThreshold = z.infer<typeof SecurityThreshold>;

/** A branch filter: a branch name, or a pattern where * matches any characters but / (release/*). */
export const BranchPattern = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._/*-]+$/, 'must be a branch name or pattern: letters, digits, . _ - / and *');

/** A branch as a run records it: main, release/1.2 (what a push's refs/heads/<branch> names). */
export const BranchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._/-]+$/, 'must be a branch name: letters, digits, . _ - and /');

export const PipelineSpec = z
  .object({
    source: z.object({
      repo: z
        .url()
        .max(2048)
        .regex(/^(https?|git):\/\//, 'must be an https://, http:// or git:// URL')
        .describe('Git repository URL the runner clones (https://, http:// or git://)'),
      branch: z.string().min(1).max(255).default('main'),
      github: z
        .string()
        .max(200)
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/name')
        .optional()
        .describe('The GitHub repository (owner/name) whose pushes start runs, and where commit statuses go'),
    }),
    trigger: z
      .object({
        serviceAccountName: Label.default('bosun-pipeline-trigger').describe(
          "Runs a push starts are requested by this ServiceAccount of the Pipeline's namespace: " +
            'they may do what it may do, never what Bosun may',
        ),
        branches: z
          .array(BranchPattern)
          .max(20)
          .default([])
          .describe('Branches whose pushes start a run (default: spec.source.branch)'),
      })
      .default({ serviceAccountName: 'bosun-pipeline-trigger', branches: [] }),
    stages: z.array(Stage).min(1).max(20),
    finally: z
      .array(Stage)
      .max(5)
      .default([])
      .describe('Stages that run after the others whatever happened (a report); dependsOn names other finally stages'),
    runOn: RunOn.default('runner').describe('Where stages without their own runOn run'),
    executor: z
      .object({ serviceAccountName: Label })
      .default({ serviceAccountName: 'bosun-pipeline' })
      .describe("The ServiceAccount cluster stages run as (it needs no rights of Bosun's)"),
    concurrency: z.int().min(1).max(20).default(4).describe('Most stages of one run at once'),
    timeoutSeconds: z.int().min(1).max(172800).default(7200).describe('A run is stopped at this'),
    concurrencyPolicy: ConcurrencyPolicy.default('Queue'),
    retry: RetryPolicy.optional().describe('Default retry policy for stages without their own'),
    haltAfterFailures: z
      .int()
      .min(1)
      .max(100)
      .default(3)
      .describe('Stop triggering runs after this many consecutive failed runs'),
    notify: z.array(NotifyTarget).max(10).default([]),
    build: z
      .object({
        image: z
          .string()
          .min(1)
          .max(400)
          .regex(/^[a-z0-9.:-]+(\/[a-z0-9._-]+)+$/, 'must be a repository without tag or digest: host[:port]/path')
          .describe('The repository a build stage pushes to; the run records the image by digest'),
      })
      .optional(),
    securityThreshold: SecurityThreshold.default('high'),
    deploy: z
      .object({
        environment: Label.describe("A name for people (production); whether it needs approval is the RiskPolicy's"),
        namespace: Label,
        target: TargetRef.describe('The workload a deploy stage sets to the built image: deployment/web'),
        container: Label.optional().describe('The container to update (default: the first)'),
      })
      .optional()
      .describe('deploy stages: a Goal that sets target to the built image, waits for the rollout, rolls back'),
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
        rule:
          'self.finally.all(f, !self.stages.exists(s, s.name == f.name) && ' +
          'self.finally.exists_one(t, t.name == f.name))',
        message: 'finally stage names must be unique, and differ from the stage names',
        fieldPath: '.finally',
      },
      {
        rule: 'self.finally.all(f, f.dependsOn.all(d, d != f.name && self.finally.exists(t, t.name == d)))',
        message: 'a finally stage may depend only on other finally stages',
        fieldPath: '.finally',
      },
      {
        rule: "self.stages.all(s, (has(s.runOn) ? s.runOn : self.runOn) != 'cluster' || has(s.image))",
        message: 'a stage that runs in the cluster needs an image',
        fieldPath: '.stages',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.finally.all(s, (has(s.runOn) ? s.runOn : self.runOn) != 'cluster' || has(s.image))",
        message: 'a finally stage that runs in the cluster needs an image',
        fieldPath: '.finally',
        reason: 'FieldValueRequired',
      },
      {
        rule:
          "!self.stages.exists(s, s.agent == 'build' && !has(s.command) && " +
          "(has(s.runOn) ? s.runOn : self.runOn) == 'runner') || has(self.build)",
        message:
          'a build stage on a runner without its own command needs spec.build.image (the repository it pushes to)',
        fieldPath: '.build',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!self.notify.exists(n, n.type == 'github-status') || has(self.source.github)",
        message: 'a github-status target needs spec.source.github (owner/name)',
        fieldPath: '.source.github',
        reason: 'FieldValueRequired',
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
  runs: z.int().min(0).default(0).describe('Runs finished'),
  successCount: z.int().min(0).default(0),
  failureCount: z.int().min(0).default(0),
  consecutiveFailures: z.int().min(0).default(0),
  halted: z
    .object({
      since: Timestamp,
      generation: z.int().min(0).describe('A spec change (a later generation) resumes the Pipeline'),
      message: z.string().max(1024),
    })
    .optional()
    .describe('Set after haltAfterFailures consecutive failures: new runs are refused until it is resumed'),
  counted: z
    .array(Name)
    .max(50)
    .optional()
    .describe('The last runs counted (so a run is counted once, whatever the restarts)'),
});
export type PipelineStatus = z.infer<typeof PipelineStatus>;

export const Pipeline = resourceSchema(PipelineSpec, PipelineStatus);
export type Pipeline = z.infer<typeof Pipeline>;
