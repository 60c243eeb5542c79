// A pipeline stage's Job (src/tools/pipeline/stage-job.ts) on the real control plane, read back with
// stageJobState (stage-result.ts): the API server admits it in a namespace that enforces the `restricted`
// Pod Security level; the real Job controller in kube-controller-manager creates its pod, the real scheduler
// puts it on a KWOK node, and the Job controller marks the Job Complete or Failed (its deadline included)
// and deletes the pod of a Job that is deleted or timed out.
//
// KWOK, not a kubelet, moves the pods: no container runs. Bosun's KWOK stages
// (hack/control-plane/kwok-stages/job-*.yaml) start a pod by its image (test/support/stage-images.ts), then
// end it with the exit code and termination message that image stands for, or keep it running.
import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { stageJob, stageJobName, type StageJobInput } from '../../src/tools/pipeline/stage-job.js';
import { stageJobState, type JobObject, type JobPodObject } from '../../src/tools/pipeline/stage-result.js';
import { kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import {
  STAGE_BAD_RESULT_IMAGE,
  STAGE_BAD_RESULT_MESSAGE,
  STAGE_FAIL_IMAGE,
  STAGE_FAIL_RESULT,
  STAGE_PASS_IMAGE,
  STAGE_PASS_RESULT,
  STAGE_RUN_FOREVER_IMAGE,
} from '../support/stage-images.js';

/** the timeout of the stage that runs forever: small, the test waits it out */
const TIMEOUT_SECONDS = 3;
const RUNNER = 'pipeline-stage';

const pipelineRun = {
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'PipelineRun',
  metadata: { name: 'web-3f9c2ab' },
  spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' } },
};

describe('a pipeline stage as a Job', () => {
  const ns = useNamespace('stage-job', { executor: false, webhook: false });
  let run: StageJobInput['run'];

  const input = (stage: string, image: string, opts: Partial<StageJobInput['stage']> = {}): StageJobInput => ({
    run,
    pipeline: 'web',
    stage: { name: stage, image, command: ['run-stage'], timeoutSeconds: 600, ...opts },
    attempt: 1,
    stepId: `${run.name}/${stage}/1`,
    serviceAccountName: RUNNER,
  });

  /** creates the Job and returns kubectl's stderr (where Pod Security warnings go) */
  const create = (i: StageJobInput) =>
    kubectl(['create', '-f', '-'], { namespace: ns(), input: JSON.stringify(stageJob(i)) });
  const jobOf = (name: string) =>
    JSON.parse(kubectlOk(['get', 'job', name, '-o', 'json'], { namespace: ns() })) as JobObject;
  const podsOf = (name: string) =>
    (
      JSON.parse(
        kubectlOk(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`, '-o', 'json'], { namespace: ns() }),
      ) as { items: JobPodObject[] }
    ).items;
  /** the pod's phase and its container's state, as KWOK wrote them: one state only, as a kubelet reports */
  const ended = (name: string) => {
    const [pod] = podsOf(name);
    const [c] = pod?.status?.containerStatuses ?? [];
    return { phase: pod?.status?.phase, name: c?.name, states: Object.keys(c?.state ?? {}) };
  };
  const condition = (job: JobObject, type: string) =>
    job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

  /** waits until the Job has condition `type` (Complete, Failed); returns it with its state */
  async function waitFor(name: string, type: string) {
    let job = jobOf(name);
    await until(
      `${name}: ${type}`,
      async () => condition((job = jobOf(name)), type) !== undefined,
      90_000,
      () => JSON.stringify({ job: job.status, pods: podsOf(name).map((p) => p.status) }, null, 1),
    );
    return { job, condition: condition(job, type), state: stageJobState(job, podsOf(name)) };
  }

  const jobs = {
    pass: () => input('test', STAGE_PASS_IMAGE),
    fail: () => input('unit', STAGE_FAIL_IMAGE),
    badResult: () => input('lint', STAGE_BAD_RESULT_IMAGE),
    timeout: () => input('e2e', STAGE_RUN_FOREVER_IMAGE, { timeoutSeconds: TIMEOUT_SECONDS }),
    background: () => input('deploy', STAGE_RUN_FOREVER_IMAGE),
    foreground: () => input('report', STAGE_RUN_FOREVER_IMAGE),
  };
  const created: Record<string, { code: number; stderr: string }> = {};

  beforeAll(() => {
    for (const level of ['enforce', 'warn', 'audit'])
      kubectlOk(['label', 'namespace', ns(), `pod-security.kubernetes.io/${level}=restricted`]);
    kubectlOk(['create', 'serviceaccount', RUNNER], { namespace: ns() });
    kubectlOk(['create', '-f', '-'], { namespace: ns(), input: JSON.stringify(pipelineRun) });
    const uid = kubectlOk(['get', 'pipelinerun', pipelineRun.metadata.name, '-o', 'jsonpath={.metadata.uid}'], {
      namespace: ns(),
    });
    run = { name: pipelineRun.metadata.name, namespace: ns(), uid };
    // all at once: their pods start and end together
    for (const [key, make] of Object.entries(jobs)) created[key] = create(make());
  });

  it('the API server admits every Job in a restricted namespace, without a Pod Security warning', () => {
    for (const [key, res] of Object.entries(created)) {
      expect(res.code, `${key}: ${res.stderr}`).toBe(0);
      expect(res.stderr, key).not.toMatch(/PodSecurity/);
    }
  });

  it("its pod passes the restricted level; the same pod without Bosun's hardening does not", () => {
    const spec = stageJob(jobs.pass()).spec.template.spec;
    const pod = (s: object) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stage-dry-run' }, spec: s });
    const hardened = kubectl(['create', '--dry-run=server', '-f', '-'], { namespace: ns(), input: pod(spec) });
    expect(hardened.code, hardened.stderr).toBe(0);
    const [c] = spec.containers;
    const bare = { ...spec, securityContext: undefined, containers: [{ ...c, securityContext: undefined }] };
    const refused = kubectl(['create', '--dry-run=server', '-f', '-'], { namespace: ns(), input: pod(bare) });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it('a passing stage: Complete, and stageJobState reads succeeded with its JSON result', async () => {
    const name = stageJobName(jobs.pass());
    const { state } = await waitFor(name, 'Complete');
    expect(state).toEqual({
      state: 'succeeded',
      exitCode: 0,
      reason: 'Completed',
      result: STAGE_PASS_RESULT,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    // the pod ran as built (nothing defaulted away the hardening), and the PipelineRun still owns the Job
    const [pod] = podsOf(name) as (JobPodObject & { spec: ReturnType<typeof stageJob>['spec']['template']['spec'] })[];
    expect(pod?.spec).toMatchObject({
      automountServiceAccountToken: false,
      serviceAccountName: RUNNER,
      securityContext: { runAsNonRoot: true, runAsUser: 65532 },
      containers: [{ securityContext: { readOnlyRootFilesystem: true }, terminationMessagePolicy: 'File' }],
    });
    expect(jobOf(name).metadata.ownerReferences).toMatchObject([{ kind: 'PipelineRun', uid: run.uid }]);
    expect(ended(name)).toEqual({ phase: 'Succeeded', name: 'stage', states: ['terminated'] });
  });

  it('a failing stage: Failed (BackoffLimitExceeded: no retry by the Job controller), exit code 2, the failed tests', async () => {
    const name = stageJobName(jobs.fail());
    const { condition, state } = await waitFor(name, 'Failed');
    expect(condition?.reason).toBe('BackoffLimitExceeded');
    expect(state).toMatchObject({
      state: 'failed',
      exitCode: 2,
      reason: 'Error',
      message: "the stage's container exited with code 2 (Error)",
      result: STAGE_FAIL_RESULT,
    });
    expect(state.state === 'failed' && state.result?.findings?.failedTests).toEqual([
      'cart keeps its items after a reload',
      'checkout applies the discount',
    ]);
    expect(podsOf(name)).toHaveLength(1);
    expect(ended(name)).toEqual({ phase: 'Failed', name: 'stage', states: ['terminated'] });
  });

  it('a termination message that is not JSON: succeeded, no result, and the state says so', async () => {
    const { state } = await waitFor(stageJobName(jobs.badResult()), 'Complete');
    expect(state).toMatchObject({ state: 'succeeded', exitCode: 0, reason: 'Completed' });
    expect(state).not.toHaveProperty('result');
    expect(state.state === 'succeeded' && state.message).toBe(
      `the stage reported no result: its termination message (${STAGE_BAD_RESULT_MESSAGE.length} characters) ` +
        'is not JSON',
    );
  });

  it('a stage that runs past its timeout: Failed with DeadlineExceeded, a timeout, its pod stopped', async () => {
    const name = stageJobName(jobs.timeout());
    const { condition, state } = await waitFor(name, 'Failed');
    expect(condition?.reason).toBe('DeadlineExceeded');
    expect(state).toMatchObject({
      state: 'failed',
      reason: 'Timeout',
      message: `the stage ran past its timeout of ${TIMEOUT_SECONDS}s and was stopped`,
    });
    expect(state).not.toHaveProperty('result');
    await until('the timed-out pod is gone', async () => podsOf(name).length === 0, 60_000);
  });

  it.each(['background', 'foreground'] as const)(
    'cancelling a running stage (delete the Job, propagation %s) stops its pod',
    async (cascade) => {
      const name = stageJobName(jobs[cascade]());
      let state = stageJobState(jobOf(name), podsOf(name));
      await until(
        `${name} running`,
        async () => (state = stageJobState(jobOf(name), podsOf(name))).state === 'running',
        90_000,
        () => JSON.stringify(state),
      );
      expect(state).toEqual({ state: 'running', since: expect.any(String) });
      kubectlOk(['delete', 'job', name, `--cascade=${cascade}`, '--wait=false'], { namespace: ns() });
      await until(
        `${name}: Job and pod gone`,
        async () => podsOf(name).length === 0 && kubectl(['get', 'job', name], { namespace: ns() }).code !== 0,
        60_000,
        () => JSON.stringify(podsOf(name).map((p) => p.metadata)),
      );
    },
  );

  it('the same attempt made again (a retry after a crash) is the same Job: create says AlreadyExists', () => {
    const again = create(jobs.pass());
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/AlreadyExists|already exists/);
  });
});
