// What GitOps tools make of Bosun's objects on a real control plane: the live objects read by kstatus
// itself (BOSUN_KSTATUS, as Flux and kpt read them) and by the Argo CD health checks
// (BOSUN_ARGOCD_HEALTH), and kubectl wait on the conditions the README names.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import { applyPipeline, createRun, sh } from '../support/pipelines.js';
import { kubectlBosun } from '../support/plugin.js';
import { createDeployment } from '../support/workloads.js';
import { ARGOCD_HEALTH, KSTATUS, readAll, toolPath } from '../gitops/tools.js';

interface Live {
  kind: string;
  metadata: { name: string };
  status?: { phase?: string; state?: string; approvalRef?: string };
}

describe('GitOps health on the control plane', () => {
  const ns = useNamespace('gitops');
  let op: RunningOperator;
  const get = (kind: string, name: string) =>
    JSON.parse(kubectlOk(['get', kind, name, '-o', 'json'], { namespace: ns() })) as Live;
  const goal = (name: string, spec: Record<string, unknown>) =>
    kubectlOk(['apply', '-f', '-'], {
      as: 'alice',
      namespace: ns(),
      input: JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { name }, spec }),
    });
  const settled = (kind: string, name: string, want: string) =>
    until(
      `${kind} ${name} ${want}`,
      async () => {
        const s = get(kind, name).status;
        return (s?.phase ?? s?.state) === want;
      },
      120_000,
      () => `${JSON.stringify(get(kind, name).status, null, 1)}\n${op.log(30)}`,
    );
  /** [kstatus, Argo CD health] of live objects */
  const read = (...objects: Live[]) => {
    const checks = join(repoRoot, 'config/argocd/resource_customizations');
    const k = readAll(toolPath(KSTATUS), [], objects);
    const h = readAll(toolPath(ARGOCD_HEALTH), ['eval', checks], objects);
    return objects.map((o, i) => [o.metadata.name, k[i]?.status, h[i]?.status]);
  };

  beforeAll(async () => {
    toolPath(KSTATUS);
    toolPath(ARGOCD_HEALTH);
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-edits', '--clusterrole=edit', '--user=bob'], { namespace: ns() });
    kubectlOk(['create', 'rolebinding', 'alice-scales', '--clusterrole=edit', '--user=alice'], { namespace: ns() });
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: { levels: { medium: 'auto' }, approvers: { users: ['bob'] }, approvalTTLSeconds: 600 },
      }),
    });
    await Promise.all([createDeployment(ns(), 'web', { replicas: 2 }), createDeployment(ns(), 'pay')]);
    op = await startOperator({ cp: controlPlane(), identity: 'gitops', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('a Goal that succeeded is Current and Healthy, and kubectl wait on Ready and Succeeded returns', async () => {
    goal('scale-web', { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } });
    for (const condition of ['Ready', 'Succeeded']) {
      const r = kubectl(['wait', `--for=condition=${condition}`, 'goal/scale-web', '--timeout=55s'], {
        namespace: ns(),
      });
      expect(r.code, `${r.stderr}\n${op.log(30)}`).toBe(0);
    }
    expect(read(get('goal', 'scale-web'))).toEqual([['scale-web', 'Current', 'Healthy']]);
  });

  it('a Goal rolled back after a failed deploy is Failed and Degraded, not in progress for ever', async () => {
    kubectlOk(['patch', 'deployment', 'pay', '-p', '{"spec":{"progressDeadlineSeconds":10}}'], { namespace: ns() });
    goal('deploy-broken', {
      intent: { type: 'deploy-image', target: 'deployment/pay', image: 'registry.bosun.test/never-ready:1' },
    });
    await settled('goal', 'deploy-broken', 'Failed');
    const r = kubectl(['wait', '--for=condition=Stalled', 'goal/deploy-broken', '--timeout=10s'], { namespace: ns() });
    expect(r.code, r.stderr).toBe(0);
    expect(read(get('goal', 'deploy-broken'))).toEqual([['deploy-broken', 'Failed', 'Degraded']]);
  });

  it('a Goal and its Approval wait in progress (Suspended to Argo CD), and are Current once approved', async () => {
    goal('scale-big', { intent: { type: 'scale', target: 'deployment/web', replicas: 30 } });
    await settled('goal', 'scale-big', 'AwaitingApproval');
    await until(
      'the Approval has a status',
      async () => {
        const ref = get('goal', 'scale-big').status?.approvalRef;
        return (
          !!ref &&
          kubectl(['get', 'approval', ref, '-o', 'jsonpath={.status.state}'], { namespace: ns() }).stdout === 'Pending'
        );
      },
      60_000,
      () => op.log(30),
    );
    const name = get('goal', 'scale-big').status?.approvalRef ?? '';
    expect(read(get('goal', 'scale-big'), get('approval', name))).toEqual([
      ['scale-big', 'InProgress', 'Suspended'],
      [name, 'InProgress', 'Suspended'],
    ]);
    const res = kubectlBosun('bob', ['approve', name, '-n', ns(), '-m', 'capacity for the sale']);
    expect(res.code, res.stderr).toBe(0);
    await settled('approval', name, 'Approved');
    expect(read(get('approval', name))).toEqual([[name, 'Current', 'Healthy']]);
  });

  it('a PipelineRun of a missing Pipeline is Failed and Degraded; a Pipeline with no runs is Current', async () => {
    applyPipeline(ns(), 'web', { stages: [sh('t', 'true')] });
    createRun(ns(), 'nowhere-1', 'nowhere');
    await settled('pipelinerun', 'nowhere-1', 'Stalled');
    await until('the Pipeline has a status', async () => get('pipeline', 'web').status !== undefined, 60_000);
    expect(read(get('pipelinerun', 'nowhere-1'), get('pipeline', 'web'))).toEqual([
      ['nowhere-1', 'Failed', 'Degraded'],
      ['web', 'Current', 'Healthy'],
    ]);
  });
});
