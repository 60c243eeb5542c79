// The Goal controller against the real API server and Bosun's real etcd:
// finalizer, plan, conditions, observedGeneration, Events, the etcd snapshot,
// clean deletion, and bad input that ends Stalled while the operator keeps running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment } from '../support/workloads.js';

export interface GoalJson {
  metadata: { finalizers?: string[]; generation: number; uid: string };
  status?: {
    phase?: string;
    observedGeneration?: number;
    mode?: string;
    planHash?: string;
    planGeneration?: number;
    risk?: string;
    progress?: string;
    decision?: string;
    riskReasons?: string[];
    findings?: string[];
    plan?: {
      steps: { tool: string; state?: string; risk: string; message?: string; when?: string; attempt?: number }[];
    };
    conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[];
  };
}

const goalYaml = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { name }, spec });

describe('Goal controller', () => {
  const ns = useNamespace('goal');
  let op: RunningOperator;
  let store: EtcdStateStore;
  const get = (name: string) =>
    JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace: ns() })) as GoalJson;
  const waitFor = (what: string, check: () => boolean) =>
    until(
      what,
      async () => check(),
      60_000,
      () => op.log(),
    );
  const condition = (name: string, type: string) => get(name).status?.conditions?.find((c) => c.type === type);

  beforeAll(async () => {
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    await createDeployment(ns(), 'web', { replicas: 2 });
    op = await startOperator({ cp: controlPlane(), identity: 'goal-test', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
  });

  it('runs a scale Goal to Succeeded: finalizer, plan, conditions, observedGeneration, Events, etcd snapshot', async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: goalYaml('scale-web', { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } }),
    });
    await waitFor('Succeeded', () => get('scale-web').status?.phase === 'Succeeded');
    const goal = get('scale-web');
    expect(goal.metadata.finalizers).toContain('bosun.dev/cleanup');
    expect(goal.status).toMatchObject({
      observedGeneration: 1,
      risk: 'low',
      progress: '2/2',
      planHash: expect.stringMatching(/^[a-f0-9]{64}$/),
    });
    expect(goal.status?.plan?.steps.map((s) => [s.tool, s.state])).toEqual([
      ['k8s.scale', 'Succeeded'],
      ['k8s.wait-for-condition', 'Succeeded'],
    ]);
    expect(condition('scale-web', 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(condition('scale-web', 'Succeeded')).toMatchObject({ status: 'True' });
    expect(getDeployment(ns(), 'web').status.availableReplicas).toBe(3);

    const describe = kubectlOk(['describe', 'goal', 'scale-web'], { namespace: ns() });
    for (const reason of ['Planned', 'StepSucceeded', 'Succeeded'])
      expect(describe).toMatch(new RegExp(`Normal\\s+${reason}\\s+.*bosun\\.dev/goal-controller`));
    const snapshot = (await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'scale-web' })) as {
      uid: string;
      status: { phase: string };
    };
    expect(snapshot).toMatchObject({ uid: goal.metadata.uid, status: { phase: 'Succeeded' } });
  });

  it('plans again when the spec changes, and the plan hash follows the plan', async () => {
    const before = get('scale-web');
    kubectlOk(['patch', 'goal', 'scale-web', '--type=merge', '-p', '{"spec":{"intent":{"replicas":4}}}'], {
      namespace: ns(),
    });
    await waitFor(
      'observedGeneration 2 and Succeeded',
      () => get('scale-web').status?.observedGeneration === 2 && get('scale-web').status?.phase === 'Succeeded',
    );
    expect(get('scale-web').status?.planHash).not.toBe(before.status?.planHash);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
  });

  it.each([
    {
      name: 'scale-a-configmap',
      spec: { intent: { type: 'scale', target: 'configmap/settings', replicas: 2 } },
      reason: 'UnsupportedTarget',
      says: /acts on a deployment, statefulset or replicaset/,
    },
    {
      name: 'bad-image',
      spec: { intent: { type: 'deploy-image', target: 'deployment/web', image: 'NOT AN IMAGE' } },
      reason: 'InvalidImage',
      says: /is not an image reference/,
    },
    {
      name: 'broken-manifest',
      spec: { intent: { type: 'apply', manifest: 'apiVersion: v1\nkind: ConfigMap\n' } },
      reason: 'InvalidManifest',
      says: /give it apiVersion, kind and metadata\.name/,
    },
    {
      name: 'elsewhere',
      spec: { intent: { type: 'restart', target: 'deployment/web' }, targetNamespace: 'kube-system' },
      reason: 'CrossNamespaceTarget',
      says: /create the Goal in namespace kube-system/,
    },
    {
      name: 'no-such-target',
      spec: { intent: { type: 'restart', target: 'deployment/nope' } },
      reason: 'TargetNotFound',
      says: /deployment\/nope does not exist/,
    },
    { name: 'free-text', spec: { goal: 'make web faster' }, reason: 'NoPlanner', says: /need the LLM planner/ },
    {
      name: 'unknown-tool',
      spec: { intent: { type: 'restart', target: 'deployment/web' }, tools: ['k8s.rollout-restart', 'k8s.teleport'] },
      reason: 'UnknownTool',
      says: /k8s\.teleport/,
    },
    {
      name: 'tool-not-allowed',
      spec: { intent: { type: 'restart', target: 'deployment/web' }, tools: ['k8s.get'] },
      reason: 'ToolNotAllowed',
      says: /k8s\.rollout-restart is not in the Goal's spec\.tools/,
    },
    {
      name: 'missing-policy',
      spec: { intent: { type: 'restart', target: 'deployment/web' }, riskPolicyRef: 'strict' },
      reason: 'RiskPolicyNotFound',
      says: /RiskPolicy .*\/strict does not exist/,
    },
  ])('ends $name Stalled with reason $reason, and keeps running', async ({ name, spec, reason, says }) => {
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goalYaml(name, spec) });
    await waitFor(`${name} Stalled`, () => get(name).status?.phase === 'Stalled');
    const stalled = condition(name, 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason });
    expect(stalled?.message).toMatch(says);
    expect(condition(name, 'Ready')).toMatchObject({ status: 'False', reason });
    await waitFor('the Warning Event', () =>
      kubectlOk(['describe', 'goal', name], { namespace: ns() }).includes(reason),
    );
    expect(op.proc.exitCode).toBeNull();
    expect((await fetch(`${op.healthUrl}/healthz`)).ok).toBe(true);
  });

  it('leaves Stalled when the spec is fixed', async () => {
    kubectlOk(
      [
        'patch',
        'goal',
        'scale-a-configmap',
        '--type=merge',
        '-p',
        '{"spec":{"intent":{"target":"deployment/web","replicas":2}}}',
      ],
      { namespace: ns() },
    );
    await waitFor('Succeeded', () => get('scale-a-configmap').status?.phase === 'Succeeded');
    expect(get('scale-a-configmap').status?.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
  });

  it('cleans up on deletion: finalizer removed, snapshot gone, the deletion in the action log', async () => {
    const uid = get('bad-image').metadata.uid;
    kubectlOk(['delete', 'goal', 'bad-image', '--wait=true', '--timeout=30s'], { namespace: ns() });
    expect(kubectl(['get', 'goal', 'bad-image'], { namespace: ns() }).code).not.toBe(0);
    expect(await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'bad-image' })).toBeUndefined();
    const actions: { action: string; uid?: string }[] = [];
    for await (const line of store.exportActions({ kind: 'Goal', namespace: ns(), name: 'bad-image' }))
      actions.push(JSON.parse(line));
    expect(actions.map((a) => a.action)).toEqual(['InvalidImage', 'Deleted']);
    expect(actions.every((a) => a.uid === uid)).toBe(true);
  });

  it('counts reconciles and API requests in /metrics', async () => {
    expect(await op.metric('bosun_reconcile_total', { controller: 'goal', result: 'success' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_kube_requests_total', { verb: 'patch' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_informer_relists_total', { resource: 'goals' })).toBeGreaterThanOrEqual(1);
  });

  it("counts the plan's steps and phases, the Goals by phase, and the store as up in /metrics", async () => {
    const steps = { kind: 'Goal', tool: 'k8s.scale', mode: 'auto', result: 'Succeeded' };
    expect(await op.metric('bosun_plan_steps_total', steps)).toBeGreaterThanOrEqual(1);
    expect(await op.metric('bosun_phase_transitions_total', { kind: 'Goal', phase: 'Succeeded' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_objects', { kind: 'Goal', phase: 'Succeeded' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_store_up')).toBe(1);
  });
});
