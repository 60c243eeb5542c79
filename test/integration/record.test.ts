// Bosun's own record decides, not what anyone can write: a forged status is
// restored and nothing runs from it; an Approval counts only for the very Goal
// (by UID) and plan it was made for; the same plan in a later generation is a
// new execution, never replayed from old journal entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { admitNamespace } from '../support/webhook.js';
import { applyGoal, applyRiskPolicy, approveAs, condition, getApproval, getGoal, waitPhase } from '../support/goals.js';
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
    kubectlOk(['create', 'rolebinding', 'mallory-approver', '--clusterrole=bosun-approver', '--user=mallory'], {
      namespace: ns(),
    });
    for (const [name, level] of [
      ['held', 'approve'],
      ['auto', 'auto'],
    ] as const) {
      applyRiskPolicy(ns(), name, {
        levels: { none: 'auto', low: level, medium: level, high: level },
        approvers: { users: ['bob'] },
      });
    }
    applyRiskPolicy(ns(), 'two', {
      levels: { none: 'auto', low: 'approve', medium: 'approve', high: 'approve' },
      approvers: { users: ['bob', 'mallory'] },
      requiredApprovals: 2,
    });
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

  it('a decision written past the webhook counts for nothing, nor does one replayed from another Approval', async () => {
    const ask = (replicas: number) =>
      applyGoal(ns(), 'past', { intent: { type: 'scale', target: 'deployment/web', replicas }, riskPolicyRef: 'two' });
    const approvalOf = async () => {
      const name = (await waitPhase(ns(), 'past', 'AwaitingApproval', more)).status?.approvalRef ?? '';
      await until(
        'its Approval',
        async () => kubectl(['get', 'approval', name], { namespace: ns() }).code === 0,
        30_000,
      );
      return name;
    };
    const append = (approval: string, as: 'admin' | 'bob' | 'mallory', decision: unknown) =>
      kubectl(
        [
          'patch',
          'approval',
          approval,
          '--type=json',
          '-p',
          JSON.stringify([{ op: 'add', path: '/spec/decisions/-', value: decision }]),
        ],
        { as, namespace: ns() },
      );
    ask(7);
    const first = await approvalOf();
    expect(approveAs(ns(), first, 'bob').code).toBe(0); // admitted and recorded: 1 of 2
    await until('1/2 counted', async () => getApproval(ns(), first).status?.approvals === 1, 30_000, more);
    const admitted = getApproval(ns(), first).spec.decisions[0];
    ask(8); // a new plan: a new Approval
    await until('a new Approval', async () => getGoal(ns(), 'past').status?.approvalRef !== first, 30_000, more);
    const second = await approvalOf();

    // the webhook is unregistered for this namespace: the schema's CEL rules alone guard the Approval
    kubectlOk([
      'delete',
      `mutatingwebhookconfiguration/bosun-admission-${ns()}`,
      `validatingwebhookconfiguration/bosun-admission-${ns()}`,
    ]);
    try {
      // 1. bob's admitted decision, replayed verbatim from the first Approval
      expect(append(second, 'bob', admitted).code).toBe(0);
      // 2. mallory's own decision, with the stamps typed to look admitted
      const typed = {
        user: 'mallory',
        decision: 'approve',
        comment: '',
        decidedAt: admitted?.decidedAt,
        groups: ['developers'],
      };
      expect(append(second, 'mallory', typed).code).toBe(0);
      // 3. an admin writing a decision for an approver who never made one
      const third = {
        user: 'carol',
        decision: 'approve',
        comment: '',
        decidedAt: admitted?.decidedAt,
        groups: ['sre'],
      };
      expect(append(second, 'admin', third).code).toBe(0);
    } finally {
      admitNamespace(ns()); // removed again with the namespace
    }
    await until(
      'the decisions refused with a reason',
      async () =>
        kubectlOk(
          ['get', 'events', '--field-selector', `involvedObject.name=${second},reason=NotAdmitted`, '-o', 'name'],
          {
            namespace: ns(),
          },
        ).trim() !== '',
      30_000,
      more,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const held = getApproval(ns(), second);
    expect(held.status).toMatchObject({ state: 'Pending', approvals: 0 });
    expect(getGoal(ns(), 'past').status?.phase).toBe('AwaitingApproval');
    expect(condition(getGoal(ns(), 'past'), 'Approved')?.message).toMatch(/not counted: bob \(approve\), mallory/);
    expect(getDeployment(ns(), 'web').spec.replicas).not.toBe(8);

    // the way on: a new Approval, decided through the webhook
    ask(9);
    await until('a third Approval', async () => getGoal(ns(), 'past').status?.approvalRef !== second, 30_000, more);
    const third = await approvalOf();
    expect(approveAs(ns(), third, 'bob').code).toBe(0);
    expect(approveAs(ns(), third, 'mallory').code).toBe(0);
    await waitPhase(ns(), 'past', 'Succeeded', more);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(9);
  });
});
