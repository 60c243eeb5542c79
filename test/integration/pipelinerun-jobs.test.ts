// PipelineRuns whose stages run in the cluster: a hardened Job per attempt,
// created on the namespace executor's identity after alice's rights were
// checked. There is no kubelet: Bosun's KWOK stages (kwok-stages/job-*.yaml)
// start and end the Jobs' pods by their image, with the termination message a
// container would have written, and the Job controller marks the Jobs done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { applyPipeline, createRun, getRun, stageOf, waitRun } from '../support/pipelines.js';
import {
  STAGE_FAIL_IMAGE,
  STAGE_FAIL_RESULT,
  STAGE_PASS_IMAGE,
  STAGE_RUN_FOREVER_IMAGE,
} from '../support/stage-images.js';

const job = (name: string, image: string, o: Record<string, unknown> = {}) => ({
  name,
  agent: 'test',
  runOn: 'cluster',
  image,
  command: ['run-stage'],
  ...o,
});

describe('PipelineRuns on Jobs', { timeout: 300_000 }, () => {
  const ns = useNamespace('jobs');
  let op: RunningOperator;
  const more = () => op.log(40);
  const jobs = () =>
    (
      JSON.parse(kubectlOk(['get', 'jobs', '-o', 'json'], { namespace: ns() })) as {
        items: { metadata: { name: string; labels?: Record<string, string> } }[];
      }
    ).items;

  beforeAll(async () => {
    applyRiskPolicy(ns(), 'default', { approvers: { users: ['bob'] } });
    kubectlOk(['label', 'namespace', ns(), 'pod-security.kubernetes.io/enforce=restricted']);
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    // alice's runs create Jobs: she may, in this namespace
    kubectlOk(['create', 'rolebinding', 'alice-jobs', '--clusterrole=bosun-executor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'serviceaccount', 'bosun-pipeline'], { namespace: ns() });
    op = await startOperator({ cp: controlPlane(), identity: 'pipelinerun-jobs' });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('runs each stage as a hardened Job, reads its result, and a failure skips what depends on it', async () => {
    applyPipeline(ns(), 'ci', {
      stages: [
        job('lint', STAGE_PASS_IMAGE),
        job('test', STAGE_FAIL_IMAGE),
        job('build', STAGE_PASS_IMAGE, { dependsOn: ['lint', 'test'] }),
      ],
      finally: [job('report', STAGE_PASS_IMAGE)],
    });
    expect(createRun(ns(), 'ci-1', 'ci').code).toBe(0);
    const run = await waitRun(ns(), 'ci-1', 'Failed', more);
    expect(stageOf(run, 'lint')).toMatchObject({
      state: 'Succeeded',
      exitCode: 0,
      findings: { summary: '3 tests passed' },
    });
    expect(stageOf(run, 'test')).toMatchObject({
      state: 'Failed',
      exitCode: 2,
      findings: { testsFailed: 2, failedTests: STAGE_FAIL_RESULT.findings.failedTests },
    });
    expect(stageOf(run, 'test')?.log).toMatch(/^kubectl logs job\/ci-1-test-a1-/);
    expect(stageOf(run, 'build')?.state).toBe('Skipped');
    expect(stageOf(run, 'report')?.state).toBe('Succeeded');
    // one Job per attempt, owned by the run, as the Pipeline's executor ServiceAccount, with no API token
    const spec = JSON.parse(
      kubectlOk(['get', 'job', '-l', 'bosun.dev/stage=lint', '-o', 'jsonpath={.items[0].spec.template.spec}'], {
        namespace: ns(),
      }),
    ) as { serviceAccountName: string; automountServiceAccountToken: boolean };
    expect(spec).toMatchObject({ serviceAccountName: 'bosun-pipeline', automountServiceAccountToken: false });
    expect(jobs().filter((j) => j.metadata.labels?.['bosun.dev/pipelinerun'] === 'ci-1')).toHaveLength(3);
    // /metrics, counted right after the status that ended the run was written: the run's duration by its
    // outcome, and each stage's by agent, where it ran and how it ended
    await until(
      'the run in /metrics',
      async () => (await op.metric('bosun_pipelinerun_duration_seconds_count', { phase: 'Failed' })) >= 1,
      10_000,
    );
    expect(await op.metric('bosun_phase_transitions_total', { kind: 'PipelineRun', phase: 'Failed' })).toBeGreaterThan(
      0,
    );
    const stages = (result: string) =>
      op.metric('bosun_pipeline_stage_duration_seconds_count', { agent: 'test', run_on: 'cluster', result });
    expect(await stages('Succeeded')).toBeGreaterThanOrEqual(2);
    expect(await stages('Failed')).toBeGreaterThanOrEqual(1);
  });

  it('cancel deletes the running Job, and the finally stage still runs', async () => {
    applyPipeline(ns(), 'soak', {
      stages: [job('soak', STAGE_RUN_FOREVER_IMAGE)],
      finally: [job('report', STAGE_PASS_IMAGE)],
    });
    createRun(ns(), 'soak-1', 'soak');
    await until('the soak Job', async () => stageOf(getRun(ns(), 'soak-1'), 'soak')?.state === 'Running', 60_000, more);
    await until(
      'its Job exists',
      async () => jobs().some((j) => j.metadata.labels?.['bosun.dev/stage'] === 'soak'),
      30_000,
      more,
    );
    kubectlOk(['patch', 'pipelinerun', 'soak-1', '--type=merge', '-p', '{"spec":{"status":"Cancelled"}}'], {
      namespace: ns(),
    });
    const run = await waitRun(ns(), 'soak-1', 'Cancelled', more);
    expect(stageOf(run, 'soak')?.state).toBe('Cancelled');
    expect(stageOf(run, 'report')?.state).toBe('Succeeded');
    await until(
      'the soak Job is gone',
      async () => !jobs().some((j) => j.metadata.labels?.['bosun.dev/stage'] === 'soak'),
      30_000,
      more,
    );
  });

  it('a stage that times out fails with the reason (the Job deadline), and is retried', async () => {
    applyPipeline(ns(), 'slow', {
      stages: [job('slow', STAGE_RUN_FOREVER_IMAGE, { timeoutSeconds: 2, retry: { max: 1, backoffSeconds: 1 } })],
    });
    createRun(ns(), 'slow-1', 'slow');
    const run = await waitRun(ns(), 'slow-1', 'Failed', more, 120_000);
    expect(stageOf(run, 'slow')).toMatchObject({ state: 'Failed', attempts: 2, message: 'timed out after 2 s' });
  });

  it('a run whose Job the namespace would refuse stalls at planning, saying why', async () => {
    kubectl(['delete', 'rolebinding', 'alice-jobs'], { namespace: ns() });
    applyPipeline(ns(), 'nojobs', { stages: [job('t', STAGE_PASS_IMAGE)] });
    createRun(ns(), 'nojobs-1', 'nojobs');
    const run = await waitRun(ns(), 'nojobs-1', 'Stalled', more);
    expect(run.status?.conditions?.find((c) => c.type === 'Stalled')?.message).toMatch(/alice/);
  });
});
