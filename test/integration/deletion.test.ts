// A Goal deleted while it executes: a deploy that had started rolling out is
// rolled back by its plan's on-failure steps before the Goal goes; a plan with
// nothing to undo leaves its target after the last finished step. Either way
// the Deleted record in the action log says what was left. (The never-ready
// image is KWOK's doing: its pods crash-loop, so the rollout never finishes.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, getGoal } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment } from '../support/workloads.js';

describe('a Goal deleted while it executes', { timeout: 240_000 }, () => {
  const ns = useNamespace('deletion');
  let op: RunningOperator;
  let store: EtcdStateStore;
  const more = () => op.log(30);
  const deletedRecord = async (name: string) => {
    let found: { detail: Record<string, unknown> } | undefined;
    for await (const line of store.exportActions({ kind: 'Goal', namespace: ns(), name })) {
      const r = JSON.parse(line) as { action: string; detail: Record<string, unknown> };
      if (r.action === 'Deleted') found = r;
    }
    return found;
  };
  const gone = (name: string) => kubectl(['get', 'goal', name], { namespace: ns() }).code !== 0;
  const stepState = (name: string, i: number) => getGoal(ns(), name).status?.plan?.steps[i]?.state;

  beforeAll(async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: { levels: { medium: 'auto' }, approvers: { users: ['bob'] } },
      }),
    });
    await createDeployment(ns(), 'web', { replicas: 2, image: 'nginx:1.27' });
    await createDeployment(ns(), 'api', { replicas: 2 });
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    op = await startOperator({ cp: controlPlane(), identity: 'deletion', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
  });

  it('a deploy that had started rolling out is rolled back before the Goal goes', async () => {
    applyGoal(ns(), 'deploy', {
      intent: { type: 'deploy-image', target: 'deployment/web', image: 'registry.bosun.test/never-ready:1' },
    });
    // the new image is set and the health check is waiting on pods that never become ready
    await until('the rollout to start', async () => stepState('deploy', 1) === 'Running', 60_000, more);
    expect(getDeployment(ns(), 'web').spec.template.spec.containers[0]?.image).toBe(
      'registry.bosun.test/never-ready:1',
    );
    kubectlOk(['delete', 'goal', 'deploy', '--wait=false'], { namespace: ns() });
    await until('the Goal to go', async () => gone('deploy'), 120_000, more);
    expect(getDeployment(ns(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect((await deletedRecord('deploy'))?.detail).toMatchObject({ rolledBack: true });
  });

  it('a plan with nothing to undo leaves its target after the last finished step, and says so', async () => {
    // scale, then wait on pods that never become ready: a never-ready image, already rolled out
    kubectlOk(
      [
        'patch',
        'deployment',
        'api',
        '--type=json',
        '-p',
        JSON.stringify([
          { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.bosun.test/never-ready:1' },
        ]),
      ],
      { namespace: ns() },
    );
    applyGoal(ns(), 'scale', { intent: { type: 'scale', target: 'deployment/api', replicas: 3 } });
    await until('the wait to start', async () => stepState('scale', 1) === 'Running', 60_000, more);
    kubectlOk(['delete', 'goal', 'scale', '--wait=false'], { namespace: ns() });
    await until('the Goal to go', async () => gone('scale'), 60_000, more);
    expect(getDeployment(ns(), 'api').spec.replicas).toBe(3);
    const detail = (await deletedRecord('scale'))?.detail ?? {};
    expect(detail.note).toMatch(/left as it was after step 1 \(k8s.scale\): the plan has no on-failure steps/);
    expect(detail.notRun).toEqual(['step 2 (k8s.wait-for-condition)']);
  });
});
