// Bosun's own record decides, not what anyone can write: a forged status is
// restored and nothing runs from it; an Approval counts only for the very Goal
// (by UID) and plan it was made for; the same plan in a later generation is a
// new execution, never replayed from old journal entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, approveAs, getGoal, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment, waitRolledOut } from '../support/workloads.js';

describe("Bosun's record decides", { timeout: 300_000 }, () => {
  const ns = useNamespace('record');
  let op: RunningOperator;
  const more = () => op.log(30);
  const forge = (name: string, status: Record<string, unknown>) =>
    kubectlOk(['patch', 'goal', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })], {
      namespace: ns(),
    });
  const restored = (name: string) =>
    kubectlOk(
      ['get', 'events', '--field-selector', `involvedObject.name=${name},reason=StatusRestored`, '-o', 'name'],
      {
        namespace: ns(),
      },
    )
      .trim()
      .split('\n')
      .filter(Boolean).length;

  beforeAll(async () => {
    kubectlOk(['create', 'rolebinding', 'bob-approver', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-edit', '--clusterrole=edit', '--user=bob'], { namespace: ns() });
    for (const [name, level] of [
      ['held', 'approve'],
      ['auto', 'auto'],
    ] as const) {
      kubectlOk(['apply', '-f', '-'], {
        namespace: ns(),
        input: JSON.stringify({
          apiVersion: 'bosun.dev/v1alpha1',
          kind: 'RiskPolicy',
          metadata: { name },
          spec: { levels: { none: 'auto', low: level, medium: level, high: level }, approvers: { users: ['bob'] } },
        }),
      });
    }
    await createDeployment(ns(), 'web', { replicas: 2 });
    op = await startOperator({ cp: controlPlane(), identity: 'record', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('a forged status is restored from the record, with a Warning, and nothing runs from it', async () => {
    applyGoal(ns(), 'held', {
      intent: { type: 'scale', target: 'deployment/web', replicas: 5 },
      riskPolicyRef: 'held',
    });
    const waiting = await waitPhase(ns(), 'held', 'AwaitingApproval', more);
    const steps = waiting.status?.plan?.steps ?? [];
    const forgeries: Record<string, unknown>[] = [
      { phase: 'Executing' },
      {
        phase: 'Executing',
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'Approved',
            message: 'me',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
      {
        phase: 'Executing',
        plan: {
          ...waiting.status?.plan,
          steps: steps.map((s) => ({ ...s, params: { target: 'deployment/web', replicas: 30 } })),
        },
      },
    ];
    for (const [i, status] of forgeries.entries()) {
      forge('held', status);
      await until(`forgery ${i + 1} restored`, async () => restored('held') >= i + 1, 30_000, more);
      await waitPhase(ns(), 'held', 'AwaitingApproval', more);
    }
    await new Promise((r) => setTimeout(r, 2000));
    expect(getGoal(ns(), 'held').status?.plan?.steps).toEqual(steps);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(2);
  });

  it('an Approval left by a deleted Goal of the same name approves nothing for the new one', async () => {
    const spec = { intent: { type: 'scale', target: 'deployment/web', replicas: 3 }, riskPolicyRef: 'held' };
    applyGoal(ns(), 'again', spec);
    const first = (await waitPhase(ns(), 'again', 'AwaitingApproval', more)).status?.approvalRef ?? '';
    await until(
      'the first Approval',
      async () => kubectl(['get', 'approval', first], { namespace: ns() }).code === 0,
      30_000,
    );
    kubectlOk(['delete', 'goal', 'again', '--cascade=orphan', '--wait=true'], { namespace: ns() });
    expect(kubectl(['get', 'approval', first], { namespace: ns() }).code).toBe(0); // orphaned, still there
    applyGoal(ns(), 'again', spec);
    const second = (await waitPhase(ns(), 'again', 'AwaitingApproval', more)).status?.approvalRef ?? '';
    expect(second).not.toBe(first);
    expect(approveAs(ns(), first, 'bob').code).toBe(0); // the old one takes the decision, and counts for nothing
    await new Promise((r) => setTimeout(r, 3000));
    expect(getGoal(ns(), 'again').status?.phase).toBe('AwaitingApproval');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(2);
    await until(
      'the second Approval',
      async () => kubectl(['get', 'approval', second], { namespace: ns() }).code === 0,
      30_000,
    );
    expect(approveAs(ns(), second, 'bob').code).toBe(0);
    await waitPhase(ns(), 'again', 'Succeeded', more);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(3);
  });

  it('the same plan in a later generation runs again instead of replaying old results', async () => {
    const ask = (replicas: number) =>
      applyGoal(ns(), 'flip', { intent: { type: 'scale', target: 'deployment/web', replicas }, riskPolicyRef: 'auto' });
    ask(4);
    await until(
      'scaled to 4',
      async () => getGoal(ns(), 'flip').status?.phase === 'Succeeded' && getDeployment(ns(), 'web').spec.replicas === 4,
      60_000,
      more,
    );
    ask(3);
    await until('scaled to 3', async () => getDeployment(ns(), 'web').spec.replicas === 3, 60_000, more);
    await waitPhase(ns(), 'flip', 'Succeeded', more);
    await waitRolledOut(ns(), 'web');
    ask(4); // the plan of generation 1 again
    await until('scaled to 4 again', async () => getDeployment(ns(), 'web').spec.replicas === 4, 60_000, more);
    const g = await waitPhase(ns(), 'flip', 'Succeeded', more);
    expect(g.metadata.generation).toBe(3);
  });

  it('the longest valid Goal name still gets its Approval, label and Events', async () => {
    // 253 characters, with a '-' where a cut at 63 would fall
    const name = `${'a'.repeat(62)}-${'b'.repeat(190)}`;
    applyGoal(ns(), name, { intent: { type: 'scale', target: 'deployment/web', replicas: 6 }, riskPolicyRef: 'held' });
    const approval = (await waitPhase(ns(), name, 'AwaitingApproval', more)).status?.approvalRef ?? '';
    await until(
      'its Approval',
      async () => kubectl(['get', 'approval', approval], { namespace: ns() }).code === 0,
      30_000,
      more,
    );
    const label = kubectlOk(['get', 'approval', approval, '-o', 'jsonpath={.metadata.labels.bosun\\.dev/goal}'], {
      namespace: ns(),
    });
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    expect(kubectlOk(['describe', 'goal', name], { namespace: ns() })).toMatch(/ApprovalRequested/);
  });
});
