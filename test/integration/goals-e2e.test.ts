// Goals that really change the cluster (Deployments, ReplicaSets, pods on
// KWOK nodes), a deploy that fails its health check and is rolled back,
// plan-only that changes nothing, policy on protected namespaces, and bad
// input that ends with a clear reason.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { identities } from '../../hack/control-plane/identities.js';
import { controlPlane, kubectlOk, useNamespace, type AuditEvent } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment, replicaSets } from '../support/workloads.js';
import type { GoalJson } from './goal-controller.test.js';

const goalYaml = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { name }, spec });

describe('Goals end to end', () => {
  const ns = useNamespace('e2e');
  let op: RunningOperator;
  const get = (name: string) =>
    JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace: ns() })) as GoalJson;
  const apply = (name: string, spec: Record<string, unknown>) =>
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goalYaml(name, spec) });
  const settled = (name: string, phase: string) =>
    until(
      `${name} ${phase}`,
      async () => get(name).status?.phase === phase,
      120_000,
      () => `${JSON.stringify(get(name).status, null, 1)}\n${op.log(30)}`,
    );
  const ready = (name: string) => get(name).status?.conditions?.find((c) => c.type === 'Ready');

  beforeAll(async () => {
    // this namespace runs medium-risk plans (deploys, rollbacks) without approval; high risk still waits
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: { levels: { medium: 'auto' }, approvers: { users: ['bob'] } },
      }),
    });
    await Promise.all([
      createDeployment(ns(), 'api'),
      createDeployment(ns(), 'shop'),
      createDeployment(ns(), 'cart'),
      createDeployment(ns(), 'pay'),
      createDeployment(ns(), 'plan', { replicas: 2 }),
    ]);
    op = await startOperator({ cp: controlPlane(), identity: 'e2e', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('restart: a new ReplicaSet revision, every pod replaced, Succeeded', async () => {
    const before = replicaSets(ns(), 'api').length;
    apply('restart-api', { intent: { type: 'restart', target: 'deployment/api' } });
    await settled('restart-api', 'Succeeded');
    const d = getDeployment(ns(), 'api');
    expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
    expect(replicaSets(ns(), 'api')).toHaveLength(before + 1);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status.updatedReplicas).toBe(2);
  });

  it('deploy-image: the new image rolls out and the Goal Succeeds', async () => {
    apply('deploy-shop', { intent: { type: 'deploy-image', target: 'deployment/shop', image: 'nginx:1.28' } });
    await settled('deploy-shop', 'Succeeded');
    const d = getDeployment(ns(), 'shop');
    expect(d.spec.template.spec.containers[0]?.image).toBe('nginx:1.28');
    expect(d.status.availableReplicas).toBe(2);
    const steps = get('deploy-shop').status?.plan?.steps ?? [];
    expect(steps.map((s) => s.state)).toEqual(['Succeeded', 'Succeeded', 'Skipped', 'Skipped']); // no rollback needed
  });

  it("rollback: returns to the previous revision's pod template", async () => {
    kubectlOk(['set', 'image', 'deployment/cart', 'app=nginx:1.28'], { namespace: ns() });
    kubectlOk(['rollout', 'status', 'deployment/cart', '--timeout=60s'], { namespace: ns() });
    apply('rollback-cart', { intent: { type: 'rollback', target: 'deployment/cart' } });
    await settled('rollback-cart', 'Succeeded');
    const d = getDeployment(ns(), 'cart');
    expect(d.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3'); // revision 1's template, brought back as revision 3
  });

  it('a deploy whose new pods never become ready is rolled back and ends Failed', async () => {
    kubectlOk(['patch', 'deployment', 'pay', '-p', '{"spec":{"progressDeadlineSeconds":10}}'], { namespace: ns() });
    apply('deploy-broken', {
      intent: { type: 'deploy-image', target: 'deployment/pay', image: 'registry.bosun.test/never-ready:1' },
    });
    await settled('deploy-broken', 'Failed');
    const status = get('deploy-broken').status;
    expect(status?.plan?.steps.map((s) => [s.tool, s.state])).toEqual([
      ['k8s.set-image', 'Succeeded'],
      ['k8s.wait-for-condition', 'Failed'],
      ['k8s.rollout-undo', 'Succeeded'],
      ['k8s.wait-for-condition', 'Succeeded'],
    ]);
    expect(status?.plan?.steps[1]?.message).toMatch(/progress deadline/);
    expect(ready('deploy-broken')).toMatchObject({ status: 'False', reason: 'RolledBack' });
    expect(ready('deploy-broken')?.message).toMatch(/step 2 \(k8s\.wait-for-condition\) failed/);
    const d = getDeployment(ns(), 'pay');
    expect(d.spec.template.spec.containers[0]?.image).toBe('nginx:1.27'); // the rollback is recorded in the cluster too
    const describe = kubectlOk(['describe', 'goal', 'deploy-broken'], { namespace: ns() });
    expect(describe).toMatch(/Warning\s+StepFailed/);
    expect(describe).toMatch(/Warning\s+RolledBack/);
  });

  it('plan-only shows the plan with dry-run results and makes zero mutating requests', async () => {
    const before = getDeployment(ns(), 'plan');
    const mark = readFileSync(controlPlane().auditLog, 'utf8').split('\n').length - 1;
    apply('plan-scale', { intent: { type: 'scale', target: 'deployment/plan', replicas: 7 }, mode: 'plan-only' });
    await settled('plan-scale', 'Planned');
    const status = get('plan-scale').status;
    expect(status?.plan?.steps[0]).toMatchObject({
      tool: 'k8s.scale',
      state: 'Succeeded',
      message: expect.stringMatching(/scaled deployment\/plan to 7 replicas \(server-side dry-run\)/),
    });
    expect(ready('plan-scale')).toMatchObject({ status: 'True', reason: 'Planned' });
    const after = getDeployment(ns(), 'plan');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.replicas).toBe(2);
    // every write Bosun sent to workloads (as its executor) was a server-side dry-run
    const writes = readFileSync(controlPlane().auditLog, 'utf8')
      .split('\n')
      .slice(mark)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditEvent & { requestURI: string })
      .filter(
        (e) =>
          e.stage === 'ResponseComplete' &&
          [identities.operator.user, `system:serviceaccount:${ns()}:bosun-executor`].includes(e.user.username) &&
          e.objectRef?.namespace === ns() &&
          e.objectRef.apiGroup === 'apps' &&
          ['create', 'update', 'patch', 'delete'].includes(e.verb),
      );
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((e) => !e.requestURI.includes('dryRun=All'))).toEqual([]);
  });

  it('a plan-only Goal set to spec.mode: auto, as its status says, runs for real', async () => {
    // follows the plan-only test: plan-scale is Planned, and its Ready message says what to do
    expect(ready('plan-scale')?.message).toMatch(/set spec\.mode: auto to run it/);
    apply('plan-scale', { intent: { type: 'scale', target: 'deployment/plan', replicas: 7 }, mode: 'auto' });
    await settled('plan-scale', 'Succeeded');
    const status = get('plan-scale').status;
    expect(status?.mode).toBe('auto');
    expect(status?.plan?.steps[0]).toMatchObject({ tool: 'k8s.scale', state: 'Succeeded' });
    expect(status?.plan?.steps[0]?.message).not.toMatch(/dry-run/);
    expect(getDeployment(ns(), 'plan').spec.replicas).toBe(7);
  });

  it('holds a Goal in a protected namespace for approval, naming the rule', async () => {
    kubectlOk(['label', 'namespace', ns(), 'bosun.dev/protected=true']);
    try {
      apply('scale-protected', { intent: { type: 'scale', target: 'deployment/api', replicas: 3 } });
      await settled('scale-protected', 'AwaitingApproval');
      const s = get('scale-protected').status;
      expect(s?.risk).toBe('high');
      expect(s?.riskReasons).toContain(`namespace ${ns()} is labelled bosun.dev/protected=true`);
      const approved = s?.conditions?.find((c) => c.type === 'Approved');
      expect(approved).toMatchObject({ status: 'False', reason: 'ApprovalRequired' });
      expect(approved?.message).toMatch(new RegExp(`RiskPolicy ${ns()}/default sets spec\\.levels\\.high: approve`));
      expect(approved?.message).toMatch(/protected/);
      expect(getDeployment(ns(), 'api').spec.replicas).toBe(2); // nothing ran
    } finally {
      kubectlOk(['label', 'namespace', ns(), 'bosun.dev/protected-']);
    }
  });

  it('denies per RiskPolicy, naming the rule', async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'strict' },
        spec: { protectedNamespaces: [ns()], levels: { high: 'deny' }, approvers: { groups: ['sre'] } },
      }),
    });
    apply('scale-denied', {
      intent: { type: 'scale', target: 'deployment/api', replicas: 3 },
      riskPolicyRef: 'strict',
    });
    await settled('scale-denied', 'Denied');
    expect(ready('scale-denied')?.message).toMatch(
      new RegExp(`denied: RiskPolicy ${ns()}/strict sets spec\\.levels\\.high: deny`),
    );
    expect(get('scale-denied').status?.riskReasons).toContain(
      `namespace ${ns()} is protected by the RiskPolicy (spec.protectedNamespaces)`,
    );
    expect(getDeployment(ns(), 'api').spec.replicas).toBe(2);
  });

  it("a write the executor may not make stalls at planning with the API server's words, not a crash", async () => {
    // the namespace binds bosun-executor, which writes no Secrets (config/rbac/executor_role.yaml)
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2\n';
    apply('forbidden-secret', { intent: { type: 'apply', manifest } });
    await settled('forbidden-secret', 'Stalled');
    expect(ready('forbidden-secret')).toMatchObject({ reason: 'ExecutorForbidden' });
    expect(ready('forbidden-secret')?.message).toMatch(/cannot patch resource "secrets"/);
    expect(op.proc.exitCode).toBeNull();
  });

  it('diagnose gathers read-only evidence and writes findings', async () => {
    apply('why-pay', { intent: { type: 'diagnose', target: 'deployment/pay' } });
    await settled('why-pay', 'Succeeded');
    const findings = get('why-pay').status?.findings ?? [];
    expect(findings.some((f) => f.startsWith('k8s.describe: deployment/pay'))).toBe(true);
    expect(findings.some((f) => f.startsWith('k8s.list:'))).toBe(true);
  });
});
