// Stages that run in the cluster: a hardened Job per attempt (stage-job.ts),
// created on the executor's short-lived identity after the requester's rights
// were checked, named from the attempt so a call again after a restart finds
// the Job it created. Its end is read from the Job and its pod (stage-result.ts):
// the exit code, and the stage's result from its termination message. KWOK,
// not a kubelet, moves the pods on the local control plane.
import { hasCode } from '../../api/errors.js';
import type { StageFindings } from '../../api/v1alpha1/pipeline-run.js';
import { core } from '../../kube/resources.js';
import type { ToolContext } from '../tool.js';
import type { StageBackend, StageProgress, StageWork } from './stage.js';
import { stageJob, stageJobName, type StageJobInput } from './stage-job.js';
import { stageJobState, type JobObject, type JobPodObject, type StageJobState } from './stage-result.js';

const inputOf = (work: StageWork): StageJobInput => {
  const p = work.params;
  return {
    run: { name: p.run.name, namespace: work.namespace, uid: p.run.uid },
    pipeline: p.pipeline,
    stage: {
      name: p.stage,
      image: p.image ?? '',
      command: p.command,
      timeoutSeconds: p.timeoutSeconds,
      resources: p.resources,
      serviceAccountToken: p.serviceAccountToken,
    },
    attempt: p.attempt,
    stepId: work.id,
    serviceAccountName: p.serviceAccountName,
  };
};

export const jobLogHint = (work: StageWork) => `kubectl logs job/${stageJobName(inputOf(work))} -n ${work.namespace}`;

function progressOf(s: StageJobState, work: StageWork): StageProgress {
  const log = jobLogHint(work);
  if (s.state !== 'succeeded' && s.state !== 'failed')
    return { state: 'running', log, summary: `stage ${work.params.stage}'s Job is ${s.state}` };
  const findings: StageFindings | undefined = s.result && {
    ...(s.result.summary && { summary: s.result.summary.slice(0, 512) }),
    ...s.result.findings,
    ...(s.result.findings?.failedTests && { failedTests: s.result.findings.failedTests.slice(0, 10) }),
  };
  const reason =
    s.reason === 'Timeout'
      ? `timed out after ${work.params.timeoutSeconds} s`
      : s.exitCode !== null
        ? `exit code ${s.exitCode} (${s.reason})`
        : s.reason;
  return {
    state: 'ended',
    outcome: s.state === 'succeeded' ? 'succeeded' : 'failed',
    exitCode: s.exitCode,
    reason: s.message && s.reason !== 'Timeout' ? `${reason}: ${s.message}` : reason,
    findings,
    log,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

async function readState(ctx: ToolContext, name: string): Promise<StageJobState | undefined> {
  const job = await ctx.reader.tryGet<JobObject>(core.jobs, ctx.namespace, name);
  if (!job) return undefined;
  const pods = await ctx.reader.list<JobPodObject>(core.pods, {
    namespace: ctx.namespace,
    labelSelector: `batch.kubernetes.io/job-name=${name}`,
  });
  return stageJobState(job, pods.items);
}

export function jobBackend(): StageBackend {
  return {
    async ensure(ctx, work) {
      const input = inputOf(work);
      const name = stageJobName(input);
      const found = await readState(ctx, name);
      if (found) return progressOf(found, work);
      try {
        await ctx.client.create(core.jobs, { ...stageJob(input) });
      } catch (err) {
        // created by the call before a restart: the attempt is that Job
        if (!hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err;
      }
      return { state: 'running', log: jobLogHint(work), summary: `stage ${work.params.stage}'s Job ${name} created` };
    },
    async cancel(ctx, work) {
      const name = stageJobName(inputOf(work));
      try {
        await ctx.client.delete(core.jobs, ctx.namespace, name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) throw err;
      }
    },
    async preview(ctx, work) {
      // admission (Pod Security, quotas, the executor's rights) judges the Job now, in a server-side dry-run
      const after = await ctx.client.create(core.jobs, { ...stageJob(inputOf(work)) }, { dryRun: true });
      return [{ after }];
    },
  };
}
