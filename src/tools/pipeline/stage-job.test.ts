import { describe, expect, it } from 'vitest';
import { hasCode } from '../../api/errors.js';
import {
  STAGE_JOB_LABELS,
  STAGE_DEFAULT_RESOURCES,
  STAGE_JOB_TTL_SECONDS,
  stageJob,
  stageJobName,
  type StageJobInput,
} from './stage-job.js';

const input: StageJobInput = {
  run: { name: 'web-3f9c2ab', namespace: 'team-a', uid: '6f1c1c9e-1111-4a4a-9b9b-000000000001' },
  pipeline: 'web',
  stage: { name: 'test', image: 'registry.example/node:20', command: ['npm'], args: ['test'], timeoutSeconds: 600 },
  attempt: 1,
  stepId: 'web-3f9c2ab/test/1',
  serviceAccountName: 'pipeline-runner',
};
const withStage = (stage: Partial<StageJobInput['stage']>): StageJobInput => ({
  ...input,
  stage: { ...input.stage, ...stage },
});

const podOf = (i: StageJobInput = input) => stageJob(i).spec.template.spec;
const containerOf = (i: StageJobInput = input) => podOf(i).containers[0];

describe('stageJob: hardening', () => {
  it('Bosun retries, not the Job controller: backoffLimit 0, one pod, restartPolicy Never', () => {
    const job = stageJob(input);
    expect(job.spec).toMatchObject({ backoffLimit: 0, completions: 1, parallelism: 1 });
    expect(podOf().restartPolicy).toBe('Never');
  });

  it("the stage's timeout is the Job's active deadline", () => {
    expect(stageJob(withStage({ timeoutSeconds: 42 })).spec.activeDeadlineSeconds).toBe(42);
  });

  it('a finished Job is deleted after the TTL (an hour)', () => {
    expect(stageJob(input).spec.ttlSecondsAfterFinished).toBe(STAGE_JOB_TTL_SECONDS);
    expect(STAGE_JOB_TTL_SECONDS).toBe(3600);
  });

  it('the pod runs as 65532, never root, with the runtime default seccomp profile', () => {
    expect(podOf().securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('the container cannot escalate, write its root filesystem or keep any capability', () => {
    expect(containerOf().securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('no service-account token unless the stage asks for one', () => {
    expect(podOf().automountServiceAccountToken).toBe(false);
    expect(podOf(withStage({ serviceAccountToken: false })).automountServiceAccountToken).toBe(false);
    expect(podOf(withStage({ serviceAccountToken: true })).automountServiceAccountToken).toBe(true);
    expect(podOf().serviceAccountName).toBe('pipeline-runner');
  });

  it('no service links, no host namespaces, no hostPath: only two emptyDirs with size limits', () => {
    const pod = podOf();
    expect(pod).toMatchObject({ enableServiceLinks: false, hostNetwork: false, hostPID: false, hostIPC: false });
    expect(pod.volumes).toEqual([
      { name: 'workspace', emptyDir: { sizeLimit: '4Gi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    ]);
    expect(JSON.stringify(stageJob(input))).not.toMatch(/hostPath|hostPort/);
  });

  it('works in /workspace; /tmp is writable and HOME', () => {
    const c = containerOf();
    expect(c.workingDir).toBe('/workspace');
    expect(c.volumeMounts).toEqual([
      { name: 'workspace', mountPath: '/workspace' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(c.env).toEqual([{ name: 'HOME', value: '/tmp' }]);
  });

  it('the result comes back through the termination message file, never the log', () => {
    expect(containerOf()).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
  });

  it.each([
    { resources: undefined, want: STAGE_DEFAULT_RESOURCES, why: 'the defaults: one CPU and 1Gi' },
    { resources: { cpu: '250m' }, want: { cpu: '250m', memory: '1Gi' }, why: 'a CPU of its own' },
    { resources: { memory: '4Gi' }, want: { cpu: '1', memory: '4Gi' }, why: 'memory of its own' },
  ])('requests equal limits: $why', ({ resources, want }) => {
    expect(containerOf(withStage({ resources })).resources).toEqual({ requests: want, limits: want });
  });
});

describe('stageJob: what it runs and who owns it', () => {
  it('the image, command, args and env of the stage (env after HOME, and may replace it)', () => {
    const env = [
      { name: 'CI', value: 'true' },
      { name: 'HOME', value: '/workspace' },
    ];
    const c = containerOf(withStage({ env }));
    expect(c).toMatchObject({ name: 'stage', image: 'registry.example/node:20', command: ['npm'], args: ['test'] });
    expect(c.env).toEqual(env);
    const bare = containerOf(withStage({ command: undefined, args: undefined }));
    expect(bare).not.toHaveProperty('command');
    expect(bare).not.toHaveProperty('args');
  });

  it('the PipelineRun is its controller owner and blocks its deletion', () => {
    expect(stageJob(input).metadata.ownerReferences).toEqual([
      {
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'PipelineRun',
        name: 'web-3f9c2ab',
        uid: input.run.uid,
        controller: true,
        blockOwnerDeletion: false,
      },
    ]);
    expect(stageJob(input).metadata.namespace).toBe('team-a');
  });

  it('labels on the Job and its pods name the run, pipeline, stage and attempt; the step id is annotated', () => {
    const job = stageJob({ ...input, attempt: 3 });
    const want = {
      [STAGE_JOB_LABELS.pipelineRun]: 'web-3f9c2ab',
      [STAGE_JOB_LABELS.pipeline]: 'web',
      [STAGE_JOB_LABELS.stage]: 'test',
      [STAGE_JOB_LABELS.attempt]: '3',
      'app.kubernetes.io/managed-by': 'bosun',
    };
    expect(job.metadata.labels).toEqual(want);
    expect(job.spec.template.metadata.labels).toEqual(want);
    expect(job.metadata.annotations).toEqual({ 'bosun.dev/step-id': 'web-3f9c2ab/test/1' });
  });

  it('a long run name is cut to a valid label value', () => {
    const run = { ...input.run, name: `${'r'.repeat(100)}.x` };
    const label = stageJob({ ...input, run }).metadata.labels[STAGE_JOB_LABELS.pipelineRun];
    expect(label?.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
  });

  it.each([
    { stage: { timeoutSeconds: 0 }, why: 'a timeout of zero' },
    { stage: { resources: { memory: '1Mb' } }, why: 'not a quantity' },
    { stage: { resources: { cpu: '1000' } }, why: 'more CPU than any node' },
    { stage: { env: [{ name: 'A B', value: '' }] }, why: 'an environment variable name with a space' },
    { stage: { name: 'Test' }, why: 'a stage name that is not a DNS label' },
  ])('refuses $why with BOSUN_ERR_TOOL_PARAMS', ({ stage }) => {
    let thrown: unknown;
    try {
      stageJob(withStage(stage));
    } catch (err) {
      thrown = err;
    }
    expect(hasCode(thrown, 'BOSUN_ERR_TOOL_PARAMS')).toBe(true);
  });
});

describe('stageJobName', () => {
  const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

  it('reads as run, stage and attempt, with a hash', () => {
    expect(stageJobName(input)).toMatch(/^web-3f9c2ab-test-a1-[0-9a-f]{10}$/);
  });

  it('is deterministic: the same step finds the same Job after a crash', () => {
    expect(stageJobName({ ...input })).toBe(stageJobName(input));
    expect(stageJob(input).metadata.name).toBe(stageJobName(input));
  });

  it.each([
    { other: { ...input, attempt: 2 }, why: 'another attempt' },
    { other: { ...input, stepId: 'web-3f9c2ab/test/1b' }, why: 'another step' },
    { other: { ...input, run: { ...input.run, uid: 'another-uid' } }, why: 'a run made again under the same name' },
    { other: { ...input, stage: { ...input.stage, name: 'lint' } }, why: 'another stage' },
  ])('differs for $why', ({ other }) => {
    expect(stageJobName(other)).not.toBe(stageJobName(input));
  });

  it('does not confuse run a-b, stage c with run a, stage b-c', () => {
    const a = stageJobName({ ...input, run: { ...input.run, name: 'a-b' }, stage: { ...input.stage, name: 'c' } });
    const b = stageJobName({ ...input, run: { ...input.run, name: 'a' }, stage: { ...input.stage, name: 'b-c' } });
    expect(a).not.toBe(b);
  });

  it.each([
    { name: 'r'.repeat(253), stage: 's'.repeat(63), why: 'the longest names' },
    { name: `${'x'.repeat(50)}.y-`, stage: 'build', why: 'a dot and a cut at a dash' },
    { name: 'v1.2.3', stage: 'deploy', why: 'dots in the run name' },
  ])('is a DNS-1123 label of at most 63 characters: $why', ({ name, stage }) => {
    const n = stageJobName({ ...input, run: { ...input.run, name }, stage: { ...input.stage, name: stage } });
    expect(n.length).toBeLessThanOrEqual(63);
    expect(n).toMatch(dns1123);
  });
});
