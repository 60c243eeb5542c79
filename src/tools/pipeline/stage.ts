// pipeline.stage: one attempt of one pipeline stage, run where the stage says
// (a hardened Job in the cluster, or a sandboxed command on a runner). The
// first call starts the attempt; later calls look at it until it has ended.
// The attempt's id comes from the step's idempotency key and its attempt
// number, so a call again after a restart finds the attempt it started and
// never starts a second one. A command that fails is still an attempt that ran
// to a recorded result: the step succeeds with the outcome in its data, and the
// PipelineRun decides what the failure means (a retry, a halt).
import { z } from 'zod';
import { Label, Name } from '../../api/v1alpha1/common.js';
import {
  NotifyTarget,
  PipelineSpec,
  RetryPolicy,
  RunOn,
  SecurityThreshold,
  Stage,
  StageAgent,
} from '../../api/v1alpha1/pipeline.js';
import type { StageFindings } from '../../api/v1alpha1/pipeline-run.js';
import { BosunError } from '../../api/errors.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import { bosunResource, core } from '../../kube/resources.js';
import { need } from '../kubernetes/write-call.js';
import { notifyAccess } from './notify-access.js';
import { defineTool, type Change, type ToolContext } from '../tool.js';

export const StageParams = z.strictObject({
  run: z.strictObject({ name: Name, uid: z.string().min(1).max(64) }),
  pipeline: Name,
  revision: z.string().max(40),
  stage: Label,
  /** what the stage does; absent in plans made before stages had agents (they run their command) */
  agent: StageAgent.optional(),
  runOn: RunOn,
  /** the repository and revision a runner clones into the workspace before the command */
  source: z.strictObject({ repo: z.string().max(2048), revision: z.string().max(40) }).optional(),
  /** build: the repository the image is pushed to */
  imageRepository: z.string().max(400).optional(),
  /** security: a finding at or above this fails the stage */
  securityThreshold: SecurityThreshold.optional(),
  /** deploy: what to set to the built image */
  deploy: PipelineSpec.shape.deploy,
  /** report: where to tell, and the GitHub repository of commit statuses */
  notify: z.array(NotifyTarget).max(10).optional(),
  github: z.string().max(200).optional(),
  /** what earlier stages of the run made, added per attempt: the image a build pushed */
  inputs: z.strictObject({ image: z.string().max(512).optional() }).optional(),
  image: Stage.shape.image,
  command: Stage.shape.command,
  timeoutSeconds: Stage.shape.timeoutSeconds,
  network: Stage.shape.network,
  serviceAccountToken: Stage.shape.serviceAccountToken,
  resources: Stage.shape.resources,
  serviceAccountName: Label,
  /** the run's order and retries: part of the plan, so a Pipeline edited meanwhile does not change a run */
  dependsOn: Stage.shape.dependsOn,
  finally: z.boolean().default(false),
  retry: RetryPolicy.optional(),
  /** the attempt this call is for (the PipelineRun adds it per attempt) */
  attempt: z.int().min(1).max(11).default(1),
  /** the PipelineRun stops the attempt (a cancel, a timeout): the call stops it and records it cancelled */
  cancel: z.boolean().optional(),
});
export type StageParams = z.infer<typeof StageParams>;

/** One attempt, as a backend starts and watches it. */
export interface StageWork {
  /** the attempt's id: the step's idempotency key and the attempt number */
  id: string;
  namespace: string;
  params: StageParams;
}

/** How an attempt stands. */
export type StageProgress =
  | { state: 'running'; log?: string; summary?: string }
  | {
      state: 'ended';
      outcome: 'succeeded' | 'failed' | 'cancelled';
      exitCode: number | null;
      reason: string;
      findings?: StageFindings;
      log?: string;
      startedAt?: string;
      finishedAt?: string;
    };

/** Where stage attempts run. Every method is idempotent by the work's id. */
export interface StageBackend {
  /** starts the attempt unless it was started, and says how it stands */
  ensure(ctx: ToolContext, work: StageWork): Promise<StageProgress>;
  /** stops the attempt if it runs (nothing when it has ended or never started) */
  cancel(ctx: ToolContext, work: StageWork): Promise<void>;
  /** at planning (ctx.dryRun): what the attempt would create, checked as far as can be without running it */
  preview?(ctx: ToolContext, work: StageWork): Promise<Change[]>;
}

/**
 * Where attempts run: a stage with a command runs it where runOn says; a deploy or report stage without one is
 * the operator's own work (a Goal that deploys the built image; the run's report to its notify targets).
 */
export type StageBackends = Record<RunOn, StageBackend> & Partial<Record<'deploy' | 'report', StageBackend>>;

/** Which backend runs the stage: its own command where runOn says, else the operator's deploy or report. */
export const operatorStage = (p: Pick<StageParams, 'agent' | 'command'>): 'deploy' | 'report' | undefined =>
  !p.command?.length && (p.agent === 'deploy' || p.agent === 'report') ? p.agent : undefined;

function backendFor(backends: StageBackends, params: StageParams): StageBackend {
  const own = operatorStage(params);
  if (!own) return backends[params.runOn];
  const backend = backends[own];
  if (!backend)
    throw new BosunError(
      'BOSUN_ERR_TOOL_PARAMS',
      `stage ${params.stage} (${own}) has no command and this operator runs no ${own} stages: give it a command`,
    );
  return backend;
}

const goals = bosunResource(kindInfo('Goal'));

/** How often a running attempt is looked at (its end also wakes the run when the backend can tell). */
export const STAGE_POLL_MS = 2000;

export const attemptId = (idempotencyKey: string, attempt: number) => `${idempotencyKey}-${attempt}`;

export const stageWork = (ctx: Pick<ToolContext, 'idempotencyKey' | 'namespace'>, params: StageParams): StageWork => ({
  id: attemptId(ctx.idempotencyKey, params.attempt),
  namespace: ctx.namespace,
  params,
});

export const stageTool = (backends: StageBackends) =>
  defineTool({
    name: 'pipeline.stage',
    description: 'Run one attempt of a pipeline stage: a hardened Job in the cluster, or a sandboxed runner command',
    params: StageParams,
    risk: 'low',
    effect: 'mutate',
    // an attempt leaves nothing to undo: its Job is removed after it, a runner's workspace with it; what a deploy
    // stage changes is planned (and judged) as a plan of its own
    reversible: true,
    // nothing runs in a plan-only run, so there is nothing to wait for
    planOnly: 'skip',
    impact: (p) =>
      operatorStage(p) === 'deploy'
        ? { objects: 1, pods: 0 }
        : !operatorStage(p) && p.runOn === 'cluster'
          ? { objects: 1, pods: 1 }
          : { objects: 0, pods: 0 },
    async access(params, ctx) {
      const own = operatorStage(params);
      // a deploy is a Goal the requester could have made, in the namespace it deploys to: that Goal then judges
      // the change on the same authority
      if (own === 'deploy') return [need('create', goals, params.deploy?.namespace ?? ctx.namespace, '')];
      // a report sends with the credentials of its notify Secrets: only those the requester may read
      if (own === 'report') return notifyAccess(params, ctx.namespace);
      // a runner command writes nothing in the cluster; a Job is created, and deleted on cancel, in the namespace
      if (params.runOn === 'runner') return [];
      return [need('create', core.jobs, ctx.namespace, ''), need('delete', core.jobs, ctx.namespace, '')];
    },
    async execute(ctx, params) {
      const work = stageWork(ctx, params);
      const backend = backendFor(backends, params);
      if (ctx.dryRun) {
        // planning: nothing starts; a cluster stage's Job is dry-run so admission (Pod Security) judges it now
        const changes = (await backend.preview?.(ctx, work)) ?? [];
        return { summary: `would run stage ${params.stage} (${params.runOn})`, changes };
      }
      if (params.cancel) {
        await backend.cancel(ctx, work);
        return {
          summary: `stage ${params.stage} attempt ${params.attempt} stopped`,
          data: { state: 'ended', outcome: 'cancelled', exitCode: null, reason: 'stopped by the run' },
        };
      }
      const progress = await backend.ensure(ctx, work);
      if (progress.state === 'running')
        return {
          done: false,
          requeueAfterMs: STAGE_POLL_MS,
          summary: progress.summary ?? `stage ${params.stage} attempt ${params.attempt} is running`,
          data: { state: 'running', ...(progress.log && { log: progress.log }) },
        };
      return {
        summary: `stage ${params.stage} attempt ${params.attempt} ${progress.outcome}: ${progress.reason}`,
        data: { ...progress },
      };
    },
  });
