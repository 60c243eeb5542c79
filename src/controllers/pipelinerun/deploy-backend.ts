// Deploy stages: the built image goes out as a Goal (deploy-image: set the
// image, wait for the rollout, roll back when it fails), so it is planned,
// risk-scored, approved and run on the requester's authority exactly like a
// Goal a person writes. The Goal lives in the namespace it deploys to (a Goal
// acts only in its own), so that namespace's RiskPolicy judges it: a protected
// environment makes the plan high-risk, it waits for an Approval there, and the
// stage waits with it. Bosun creates the Goal itself, with the run's requester
// in spec.requester (admission lets Bosun create it only so), labelled with the
// run (an owner reference cannot cross namespaces).
import { createHash } from 'node:crypto';
import { hasCode } from '../../api/errors.js';
import type { Goal } from '../../api/v1alpha1/goal.js';
import { API_VERSION } from '../../api/v1alpha1/kinds.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import type { KubeClient } from '../../kube/client.js';
import type { StageBackend, StageProgress, StageWork } from '../../tools/pipeline/stage.js';
import { goalResource } from '../goal/kind.js';

/** The Goal of one deploy attempt: named from the run, the stage and the attempt, within 63 characters. */
export function deployGoalName(work: Pick<StageWork, 'params'>): string {
  const { run, stage, attempt } = work.params;
  const name = `${run.name}-${stage}${attempt > 1 ? `-${attempt}` : ''}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/** The label that ties a deploy Goal to its run (by uid: a run of the same name elsewhere is another). */
export const RUN_UID_LABEL = 'bosun.dev/pipelinerun-uid';

/** The Goal a deploy attempt makes, or why it cannot make one. */
export function deployGoal(work: StageWork, run: PipelineRun): { goal: Goal } | { problem: string } {
  const { params } = work;
  const image = params.inputs?.image;
  if (!image)
    return {
      problem:
        `stage ${params.stage} has no image to deploy: it must depend (dependsOn) on a build stage ` +
        'that pushed one (spec.build.image)',
    };
  if (!params.deploy) return { problem: `stage ${params.stage} has no spec.deploy (namespace and target)` };
  if (!run.spec.requester) return { problem: `PipelineRun ${run.metadata.name} has no spec.requester` };
  const { target, namespace, container, environment } = params.deploy;
  const goal = {
    apiVersion: API_VERSION,
    kind: 'Goal',
    metadata: {
      name: deployGoalName(work),
      namespace,
      labels: {
        'bosun.dev/pipelinerun': run.metadata.name,
        [RUN_UID_LABEL]: params.run.uid,
        'bosun.dev/stage': params.stage,
      },
      annotations: {
        'bosun.dev/environment': environment,
        'bosun.dev/pipelinerun': `${work.namespace}/${run.metadata.name}`,
      },
    },
    spec: {
      intent: { type: 'deploy-image', target, image, ...(container && { container }) },
      mode: 'auto',
      planner: 'rules',
      allowChanges: true,
      requester: run.spec.requester,
    },
  } as Goal;
  return { goal };
}

const cut = (s: string, n = 1024) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** How the deploy stands, from its Goal. */
export function deployProgress(goal: Goal, work: StageWork): StageProgress {
  const name = goal.metadata.name;
  const ns = goal.metadata.namespace ?? work.namespace;
  if (goal.metadata.labels?.[RUN_UID_LABEL] !== work.params.run.uid)
    return {
      state: 'ended',
      outcome: 'failed',
      exitCode: null,
      reason: `Goal ${ns}/${name} belongs to another run: delete it, or rename this PipelineRun`,
    };
  const log = `kubectl describe goal ${name} -n ${ns}`;
  const s = goal.status;
  const ready = s?.conditions?.find((c) => c.type === 'Ready')?.message ?? '';
  const image = goal.spec.intent?.image ?? '';
  const times = {
    ...(s?.startedAt && { startedAt: s.startedAt }),
    ...(s?.completedAt && { finishedAt: s.completedAt }),
  };
  switch (s?.phase) {
    case 'Succeeded':
      return {
        state: 'ended',
        outcome: 'succeeded',
        exitCode: null,
        reason: `Goal ${name} deployed ${image} to ${goal.spec.intent?.target} in ${ns}`,
        findings: { image, summary: cut(`deployed ${image}`, 512) },
        log,
        ...times,
      };
    case 'Failed':
    case 'Denied':
    case 'Stalled':
      return {
        state: 'ended',
        outcome: 'failed',
        exitCode: null,
        reason: cut(`Goal ${name} ${s.phase.toLowerCase()}: ${ready || 'see its status'}`),
        log,
        ...times,
      };
    case 'AwaitingApproval':
      return {
        state: 'running',
        log,
        summary: cut(
          `deploy of ${image} waits for Approval ${s.approvalRef ?? ''} ` +
            `(kubectl bosun approve ${s.approvalRef ?? name} -n ${ns})`,
        ),
      };
    default:
      return { state: 'running', log, summary: cut(`Goal ${name} is ${s?.phase ?? 'Pending'}: ${ready}`) };
  }
}

export interface DeployBackendDeps {
  /** Bosun's own client: the Goal carries the run's requester, which only Bosun may set */
  client: KubeClient;
  getRun(namespace: string, name: string): PipelineRun | undefined;
}

export function deployBackend(deps: DeployBackendDeps): StageBackend {
  const where = (work: StageWork) => work.params.deploy?.namespace ?? work.namespace;
  const get = (work: StageWork) => deps.client.tryGet<Goal>(goalResource, where(work), deployGoalName(work));
  return {
    async ensure(_ctx, work) {
      let goal = await get(work);
      if (!goal) {
        const run = deps.getRun(work.namespace, work.params.run.name);
        if (!run) return { state: 'running', summary: `waiting for PipelineRun ${work.params.run.name} in the cache` };
        const made = deployGoal(work, run);
        if (!('goal' in made)) return { state: 'ended', outcome: 'failed', exitCode: null, reason: made.problem };
        try {
          goal = await deps.client.create<Goal>(goalResource, made.goal);
        } catch (err) {
          if (!hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err;
          goal = await get(work);
          if (!goal) throw err;
        }
      }
      return deployProgress(goal, work);
    },
    async cancel(_ctx, work) {
      // a Goal that has not finished is deleted: its finalizer stops it where it is (a rollout it began stays)
      const goal = await get(work);
      if (!goal || ['Succeeded', 'Failed', 'Denied'].includes(goal.status?.phase ?? '')) return;
      await deps.client.delete(goalResource, where(work), goal.metadata.name).catch((err: unknown) => {
        if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) throw err;
      });
    },
  };
}
