// Remediations that heal on the real control plane. Pods fail by KWOK stages
// (there is no kubelet): registry.bosun.test/crash:1 crash-loops, hungry:1
// under a 32Mi limit is OOM-killed (see hack/control-plane/kwok-stages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, applyRiskPolicy, approveAs, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { applyRemediation, waitRemediation } from '../support/remediations.js';
import {
  CRASH_IMAGE,
  HUNGRY_IMAGE,
  HUNGRY_MEMORY_LIMIT,
  applyDeployment,
  createDeployment,
  deploymentManifest,
  getDeployment,
  waitPodsWaiting,
} from '../support/workloads.js';

describe('Remediations heal', { timeout: 240_000 }, () => {
  const ns = useNamespace('heal');
  let op: RunningOperator;
  let store: EtcdStateStore;
  const more = () => op.log(40);
  const actions = async (kind: string, name: string) => {
    const out: { action: string; detail: Record<string, unknown> }[] = [];
    for await (const line of store.exportActions({ kind, namespace: ns(), name })) out.push(JSON.parse(line));
    return out;
  };
  const waiting = (app: string, reason: string) => waitPodsWaiting(ns(), app, reason);

  beforeAll(async () => {
    // medium-risk heals (rollbacks, memory) run without approval here; high risk waits for bob
    applyRiskPolicy(ns(), 'default', {
      levels: { medium: 'auto' },
      approvers: { users: ['bob'] },
      heal: { verifySeconds: 3, flapWindowSeconds: 600, maxMemory: '128Mi' },
    });
    // bob approves here; the heals themselves need rights of their own (admin asked for them)
    kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    await Promise.all([createDeployment(ns(), 'web'), createDeployment(ns(), 'db')]);
    op = await startOperator({ cp: controlPlane(), identity: 'heal', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
  });

  it('a crash-looping image rolled out by a Goal is rolled back, verified, and Healed; the diagnosis names the Goal', async () => {
    applyGoal(ns(), 'ship-web', {
      intent: { type: 'apply', manifest: deploymentManifest('web', { image: CRASH_IMAGE }) },
    });
    await waitPhase(ns(), 'ship-web', 'Succeeded', more);
    await waiting('web', 'CrashLoopBackOff');

    applyRemediation(ns(), 'web-crashloop', 'web');
    const healed = await waitRemediation(ns(), 'web-crashloop', 'Healed', more);
    const s = healed.status;
    expect(s?.diagnosis?.symptom).toBe('CrashLoop');
    expect(s?.diagnosis?.hypothesis).toMatch(/ship-web/);
    expect(s?.heals?.map((h) => [h.playbook, h.result])).toEqual([['rollback', 'Healed']]);
    expect(s?.plan?.steps.map((x) => x.tool)).toContain('k8s.rollout-undo');
    expect(s?.verification?.result).toBe('Passed');
    expect(s?.occurrences).toBe(1);
    expect(getDeployment(ns(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    const ready = s?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'Healed' });
    // /metrics: the heal's outcome (counted right after the status that says so was written), and its step
    const healedTotal = () => op.metric('bosun_phase_transitions_total', { kind: 'Remediation', phase: 'Healed' });
    await until('Healed in /metrics', async () => (await healedTotal()) >= 1, 10_000);
    const undo = { kind: 'Remediation', tool: 'k8s.rollout-undo', result: 'Succeeded' };
    expect(await op.metric('bosun_plan_steps_total', undo)).toBeGreaterThanOrEqual(1);

    // the story, in Events and in the action log: the Goal changed the target, the Remediation healed it
    const described = kubectlOk(['describe', 'remediation', 'web-crashloop'], { namespace: ns() });
    for (const reason of ['Diagnosed', 'Planned', 'StepSucceeded', 'Verifying', 'Healed'])
      expect(described).toContain(reason);
    const goalLog = await actions('Goal', 'ship-web');
    expect(goalLog.some((a) => a.action === 'ToolCall' && a.detail.tool === 'k8s.apply')).toBe(true);
    // the diagnosis found the Goal through this entry: the change it made to the target
    expect(goalLog.filter((a) => a.action === 'Changed').map((a) => a.detail.target)).toContain('deployments.apps/web');
    const log = await actions('Remediation', 'web-crashloop');
    expect(log.map((a) => a.action)).toEqual(expect.arrayContaining(['Diagnosed', 'ToolCall', 'Changed', 'Healed']));
    expect(JSON.stringify(log.find((a) => a.action === 'Diagnosed'))).toMatch(/ship-web/);
  });

  it('OOMKilled: the memory limit is raised within the cap, and the new pods run', async () => {
    applyDeployment(ns(), 'db', { image: HUNGRY_IMAGE, memoryLimit: HUNGRY_MEMORY_LIMIT });
    await waiting('db', 'CrashLoopBackOff');
    applyRemediation(ns(), 'db-oom', 'db');
    const healed = await waitRemediation(ns(), 'db-oom', 'Healed', more);
    expect(healed.status?.diagnosis?.symptom).toBe('OOMKilled');
    expect(healed.status?.heals?.[0]?.playbook).toBe('raise-memory');
    const limit = getDeployment(ns(), 'db').spec.template.spec.containers[0]?.resources?.limits?.memory;
    expect(limit).toBe('48Mi'); // 32Mi × 1.5, under the RiskPolicy's 128Mi cap
  });

  it('a heal the RiskPolicy holds waits for an Approval and runs only after it', async () => {
    applyRiskPolicy(ns(), 'careful', {
      levels: { medium: 'approve' },
      approvers: { users: ['bob'] },
      heal: { verifySeconds: 3 },
    });
    await createDeployment(ns(), 'cart');
    applyDeployment(ns(), 'cart', { image: CRASH_IMAGE });
    await waiting('cart', 'CrashLoopBackOff');
    applyRemediation(ns(), 'cart-crashloop', 'cart', { riskPolicyRef: 'careful' });
    const held = await waitRemediation(ns(), 'cart-crashloop', 'AwaitingApproval', more);
    expect(getDeployment(ns(), 'cart').spec.template.spec.containers[0]?.image).toBe(CRASH_IMAGE); // nothing ran
    const approval = held.status?.approvalRef ?? '';
    expect(approval).not.toBe('');
    const approved = approveAs(ns(), approval, 'bob');
    expect(approved.code, approved.stderr).toBe(0);
    const healed = await waitRemediation(ns(), 'cart-crashloop', 'Healed', more);
    expect(getDeployment(ns(), 'cart').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    expect(healed.status?.conditions?.find((c) => c.type === 'Approved')).toMatchObject({ status: 'True' });
  });
});
