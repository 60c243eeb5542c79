// The approval flow as people live it: alice asks for a high-risk change, an
// Approval appears, bob decides with kubectl, and the Goal runs or ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { kubectlBosun } from '../support/plugin.js';
import { createDeployment, getDeployment } from '../support/workloads.js';
import type { GoalJson } from './goal-controller.test.js';

interface ApprovalJson {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] };
  spec: {
    planHash: string;
    requiredApprovals: number;
    approvers: { users: string[] };
    runbook: string;
    steps: unknown[];
    expiresAt: string;
  };
  status?: { state?: string; approvals?: number; decidedBy?: string[] };
}

describe('approvals', () => {
  const ns = useNamespace('approvals');
  let op: RunningOperator;
  const goal = (name: string) =>
    JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace: ns() })) as GoalJson & {
      status?: { approvalRef?: string };
    };
  const approval = (name: string) =>
    JSON.parse(kubectlOk(['get', 'approval', name, '-o', 'json'], { namespace: ns() })) as ApprovalJson;
  const phase = (name: string, want: string) =>
    until(
      `${name} ${want}`,
      async () => goal(name).status?.phase === want,
      60_000,
      () => op.log(30),
    );
  const approvalOf = async (name: string) => {
    await until(
      `an Approval for ${name}`,
      async () =>
        Boolean(goal(name).status?.approvalRef) &&
        kubectlOk(['get', 'approvals', '-o', 'name'], { namespace: ns() }).includes(
          goal(name).status?.approvalRef ?? '#',
        ),
      60_000,
      () => op.log(30),
    );
    return goal(name).status?.approvalRef as string;
  };
  const ask = (name: string, replicas: number, as: 'alice' | 'admin' = 'alice') =>
    kubectlOk(['apply', '-f', '-'], {
      as,
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas } },
      }),
    });
  const decide = (name: string, decision: 'approve' | 'deny', comment: string) => {
    const res = kubectlBosun('bob', [decision, name, '-n', ns(), '-m', comment]);
    expect(res.code, res.stderr).toBe(0);
  };

  beforeAll(async () => {
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    // alice may only ask: her plans run on bob's authority, so bob may scale deployments himself
    kubectlOk(['create', 'rolebinding', 'bob-edits', '--clusterrole=edit', '--user=bob'], { namespace: ns() });
    // everything in this namespace is protected: scaling is high risk and needs bob
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: {
          protectedNamespaces: [ns()],
          approvers: { users: ['bob'] },
          requiredApprovals: 1,
          approvalTTLSeconds: 600,
        },
      }),
    });
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'quick' },
        spec: { protectedNamespaces: [ns()], approvers: { users: ['bob'] }, approvalTTLSeconds: 5, onExpiry: 'deny' },
      }),
    });
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'flexible' },
        spec: { protectedNamespaces: [ns()], approvers: { users: ['bob'] } },
      }),
    });
    await createDeployment(ns(), 'web', { replicas: 2 });
    op = await startOperator({ cp: controlPlane(), identity: 'approvals', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('happy path: alice asks, an Approval appears, bob approves, the Goal runs', async () => {
    ask('scale-up', 4);
    await phase('scale-up', 'AwaitingApproval');
    const name = await approvalOf('scale-up');
    const a = approval(name);
    expect(a.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Goal', name: 'scale-up' });
    expect(a.spec.planHash).toBe(goal('scale-up').status?.planHash);
    expect(a.spec.approvers.users).toEqual(['bob']);
    expect(a.spec.runbook).toMatch(/scale deployment\/web from 2 to 4 replicas/);
    expect(a.spec.runbook).toMatch(/To undo: scale back to 2/);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(2); // nothing yet
    // while it waits, /metrics shows how long, against its TTL (the RiskPolicy's 600 s), from the operator's cache
    const series = { namespace: ns(), name };
    const waiting = new RegExp(`^bosun_approval_waiting_seconds\\{[^}]*name="${name}"`, 'm');
    await until('the Approval in /metrics', async () => waiting.test(await op.metrics()), 30_000);
    expect(await op.metric('bosun_approval_ttl_seconds', series)).toBeGreaterThanOrEqual(599);
    expect(await op.metric('bosun_approval_ttl_seconds', series)).toBeLessThanOrEqual(601);

    decide(name, 'approve', 'capacity for the sale');
    await phase('scale-up', 'Succeeded');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
    await until('the Approval status', async () => approval(name).status?.state === 'Approved', 30_000);
    // decided: no longer waiting (once the operator's cache has the decision)
    await until(
      'the Approval gone from /metrics',
      async () => !(await op.metrics()).includes(`name="${name}"`),
      30_000,
    );
    expect(approval(name).status).toMatchObject({ approvals: 1, decidedBy: ['bob'] });
    expect(kubectlOk(['describe', 'goal', 'scale-up'], { namespace: ns() })).toMatch(
      /Approved\s+.*approved by bob \(1\/1\)/,
    );
    expect(kubectlOk(['describe', 'approval', name], { namespace: ns() })).toMatch(
      /Normal\s+Approved\s+.*approved by bob/,
    );
  });

  it('a denial ends the Goal Denied, and nothing runs', async () => {
    ask('scale-down', 1);
    const name = await approvalOf('scale-down');
    decide(name, 'deny', 'not during the sale');
    await phase('scale-down', 'Denied');
    const ready = goal('scale-down').status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ reason: 'ApprovalDenied' });
    expect(ready?.message).toMatch(/denied by bob: not during the sale/);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
  });

  it('an expired Approval ends the Goal per policy, and nothing runs', async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: 'too-late' },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas: 6 }, riskPolicyRef: 'quick' },
      }),
    });
    const name = await approvalOf('too-late');
    await phase('too-late', 'Denied');
    expect(goal('too-late').status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      reason: 'ApprovalExpired',
    });
    expect(approval(name).status?.state).toBe('Expired');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
  });

  it('a plan change voids the Approval: a new one is asked for, and the old one approves nothing', async () => {
    ask('change-me', 5);
    const first = await approvalOf('change-me');
    ask('change-me', 7); // a new spec, a new plan
    await until(
      'a second Approval',
      async () => (goal('change-me').status?.approvalRef ?? first) !== first,
      60_000,
      () => op.log(30),
    );
    const second = goal('change-me').status?.approvalRef as string;
    await until('the first superseded', async () => approval(first).status?.state === 'Superseded', 30_000);
    // admission refuses a decision on the superseded Approval; the Goal would not count it anyway
    const late = kubectlBosun('bob', ['approve', first, '-n', ns(), '-m', 'for the old plan']);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toMatch(/superseded by a newer plan/);
    await new Promise((r) => setTimeout(r, 2000));
    expect(goal('change-me').status?.phase).toBe('AwaitingApproval');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
    decide(second, 'approve', 'for the new plan');
    await phase('change-me', 'Succeeded');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(7);
  });

  it('changing a RiskPolicy re-evaluates the Goals waiting on it', async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: 'policy-moves' },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas: 3 }, riskPolicyRef: 'flexible' },
      }),
    });
    await approvalOf('policy-moves');
    kubectlOk(['patch', 'riskpolicy', 'flexible', '--type=merge', '-p', '{"spec":{"levels":{"high":"auto"}}}'], {
      namespace: ns(),
    });
    await phase('policy-moves', 'Succeeded');
    expect(goal('policy-moves').status?.decision).toMatch(/flexible sets spec\.levels\.high: auto/);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(3);
  });
});
