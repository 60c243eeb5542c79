import { describe, expect, it } from 'vitest';
import type { Goal } from '../../api/v1alpha1/goal.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { StageParams, type StageWork } from '../../tools/pipeline/stage.js';
import { RUN_UID_LABEL, deployGoal, deployGoalName, deployProgress } from './deploy-backend.js';

const IMAGE = `127.0.0.1:5000/app@sha256:${'a'.repeat(64)}`;
const work = (o: Partial<StageParams> = {}): StageWork => ({
  id: 'uid/hash/4-1',
  namespace: 'ci',
  params: StageParams.parse({
    run: { name: 'web-3f9c2ab', uid: 'run-uid' },
    pipeline: 'web',
    revision: '3f9c2ab',
    stage: 'deploy',
    agent: 'deploy',
    runOn: 'runner',
    serviceAccountName: 'bosun-pipeline',
    deploy: { environment: 'production', namespace: 'prod', target: 'deployment/web' },
    inputs: { image: IMAGE },
    ...o,
  }),
});
const run = {
  metadata: { name: 'web-3f9c2ab', namespace: 'ci' },
  spec: { requester: { username: 'system:serviceaccount:ci:bosun-pipeline-trigger', groups: [] } },
} as unknown as PipelineRun;

describe('a deploy stage', () => {
  it("makes a deploy-image Goal of the built image, on the run's requester, owned by the run", () => {
    const made = deployGoal(work(), run);
    if (!('goal' in made)) throw new Error(made.problem);
    expect(made.goal.metadata).toMatchObject({ name: 'web-3f9c2ab-deploy', namespace: 'prod' });
    expect(made.goal.metadata.labels?.[RUN_UID_LABEL]).toBe('run-uid');
    expect(made.goal.metadata.annotations?.['bosun.dev/pipelinerun']).toBe('ci/web-3f9c2ab');
    expect(made.goal.spec).toMatchObject({
      intent: { type: 'deploy-image', target: 'deployment/web', image: IMAGE },
      requester: { username: 'system:serviceaccount:ci:bosun-pipeline-trigger' },
    });
  });

  it('refuses without a built image or a requester, and says what to fix', () => {
    const noImage = deployGoal(work({ inputs: undefined }), run);
    expect('problem' in noImage && noImage.problem).toMatch(/must depend \(dependsOn\) on a build stage/);
    const noRequester = deployGoal(work(), { ...run, spec: {} } as PipelineRun);
    expect('problem' in noRequester && noRequester.problem).toMatch(/has no spec.requester/);
  });

  it('refuses a Goal of that name another run made', () => {
    const other = {
      metadata: { name: 'web-3f9c2ab-deploy', namespace: 'prod', labels: { [RUN_UID_LABEL]: 'another' } },
      spec: {},
    } as unknown as Goal;
    const p = deployProgress(other, work());
    expect(p.state === 'ended' && p.reason).toMatch(/belongs to another run/);
  });

  it('names each attempt apart, within 63 characters', () => {
    expect(deployGoalName(work({ attempt: 2 }))).toBe('web-3f9c2ab-deploy-2');
    const long = deployGoalName(work({ run: { name: 'x'.repeat(60), uid: 'u' } }));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^x+-[0-9a-f]{8}$/);
  });

  it.each([
    { phase: 'AwaitingApproval', state: 'running', text: /waits for Approval web-3f9c2ab-deploy-a1/ },
    { phase: 'Executing', state: 'running', text: /is Executing/ },
    { phase: 'Succeeded', state: 'ended', outcome: 'succeeded', text: /deployed .*app@sha256/ },
    { phase: 'Failed', state: 'ended', outcome: 'failed', text: /failed: rolled back/ },
    { phase: 'Denied', state: 'ended', outcome: 'failed', text: /denied/ },
  ])('follows its Goal: $phase', ({ phase, state, outcome, text }) => {
    const goal = {
      metadata: { name: 'web-3f9c2ab-deploy', namespace: 'prod', labels: { [RUN_UID_LABEL]: 'run-uid' } },
      spec: { intent: { type: 'deploy-image', target: 'deployment/web', image: IMAGE } },
      status: {
        phase,
        approvalRef: 'web-3f9c2ab-deploy-a1',
        conditions: [{ type: 'Ready', status: 'False', reason: 'X', message: 'rolled back to revision 1' }],
      },
    } as unknown as Goal;
    const p = deployProgress(goal, work());
    expect(p.state).toBe(state);
    if (p.state === 'ended') expect(p.outcome).toBe(outcome);
    expect(p.state === 'ended' ? p.reason : p.summary).toMatch(text);
  });
});
