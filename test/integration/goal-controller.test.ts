// The Goal controller against the real API server and Bosun's real etcd:
// finalizer, conditions, observedGeneration, Events, the etcd snapshot, clean
// deletion, and bad input that ends Stalled while the operator keeps running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

interface GoalJson {
  metadata: { finalizers?: string[]; generation: number; uid: string };
  status?: { phase?: string; observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[] };
}

const goalYaml = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { name }, spec });

describe('Goal controller', () => {
  const ns = useNamespace('goal');
  let op: RunningOperator;
  let store: EtcdStateStore;
  const get = (name: string) => JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace: ns() })) as GoalJson;
  const waitFor = (what: string, check: () => boolean) => until(what, async () => check(), 30_000, () => op.log());

  beforeAll(async () => {
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    op = await startOperator({ cp: controlPlane(), identity: 'goal-test', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
  });

  it('accepts a valid Goal: finalizer, Pending, Ready=False/Accepted, observedGeneration, an Event and an etcd snapshot', async () => {
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goalYaml('scale-web', { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } }) });
    await waitFor('status.observedGeneration', () => get('scale-web').status?.observedGeneration === 1);
    const goal = get('scale-web');
    expect(goal.metadata.finalizers).toContain('bosun.dev/cleanup');
    expect(goal.status?.phase).toBe('Pending');
    expect(goal.status?.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason: 'Accepted' })]);

    await waitFor('the Accepted Event', () => kubectlOk(['describe', 'goal', 'scale-web'], { namespace: ns() }).includes('Accepted'));
    const describe = kubectlOk(['describe', 'goal', 'scale-web'], { namespace: ns() });
    expect(describe).toMatch(/Normal\s+Accepted\s+.*bosun\.dev\/goal-controller/);

    const snapshot = (await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'scale-web' })) as { uid: string; status: { phase: string } };
    expect(snapshot).toMatchObject({ uid: goal.metadata.uid, status: { phase: 'Pending' } });
  });

  it('follows a spec change: observedGeneration moves, lastTransitionTime does not', async () => {
    const before = get('scale-web');
    kubectlOk(['patch', 'goal', 'scale-web', '--type=merge', '-p', '{"spec":{"intent":{"replicas":4}}}'], { namespace: ns() });
    await waitFor('observedGeneration 2', () => get('scale-web').status?.observedGeneration === 2);
    const after = get('scale-web');
    expect(after.status?.conditions?.[0]?.lastTransitionTime).toBe(before.status?.conditions?.[0]?.lastTransitionTime);
  });

  it.each([
    { name: 'scale-a-configmap', spec: { intent: { type: 'scale', target: 'configmap/settings', replicas: 2 } }, reason: 'UnsupportedTarget', says: /acts on a deployment, statefulset or replicaset/ },
    { name: 'bad-image', spec: { intent: { type: 'deploy-image', target: 'deployment/web', image: 'NOT AN IMAGE' } }, reason: 'InvalidImage', says: /is not an image reference/ },
    { name: 'broken-manifest', spec: { intent: { type: 'apply', manifest: 'apiVersion: v1\nkind: ConfigMap\n' } }, reason: 'InvalidManifest', says: /give it apiVersion, kind and metadata\.name/ },
    { name: 'elsewhere', spec: { intent: { type: 'restart', target: 'deployment/web' }, targetNamespace: 'kube-system' }, reason: 'CrossNamespaceTarget', says: /create the Goal in namespace kube-system/ },
  ])('ends $name Stalled with reason $reason, and keeps running', async ({ name, spec, reason, says }) => {
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goalYaml(name, spec) });
    await waitFor(`${name} Stalled`, () => get(name).status?.phase === 'Stalled');
    const status = get(name).status;
    const stalled = status?.conditions?.find((c) => c.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason });
    expect(stalled?.message).toMatch(says);
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason });
    await waitFor('the Warning Event', () => kubectlOk(['describe', 'goal', name], { namespace: ns() }).includes(reason));
    expect(op.proc.exitCode).toBeNull();
    expect((await fetch(`${op.healthUrl}/healthz`)).ok).toBe(true);
  });

  it('leaves Stalled when the spec is fixed', async () => {
    kubectlOk(['patch', 'goal', 'scale-a-configmap', '--type=merge', '-p', '{"spec":{"intent":{"target":"deployment/web"}}}'], { namespace: ns() });
    await waitFor('Pending again', () => get('scale-a-configmap').status?.phase === 'Pending');
    expect(get('scale-a-configmap').status?.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
  });

  it('cleans up on deletion: finalizer removed, snapshot gone, the deletion in the action log', async () => {
    const uid = get('bad-image').metadata.uid;
    kubectlOk(['delete', 'goal', 'bad-image', '--wait=true', '--timeout=30s'], { namespace: ns() });
    expect(kubectl(['get', 'goal', 'bad-image'], { namespace: ns() }).code).not.toBe(0);
    expect(await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'bad-image' })).toBeUndefined();
    const actions: { action: string; uid?: string }[] = [];
    for await (const line of store.exportActions({ kind: 'Goal', namespace: ns(), name: 'bad-image' })) actions.push(JSON.parse(line));
    expect(actions.map((a) => a.action)).toEqual(['InvalidImage', 'Deleted']);
    expect(actions.every((a) => a.uid === uid)).toBe(true);
  });

  it('counts reconciles and API requests in /metrics', async () => {
    expect(await op.metric('bosun_reconcile_total', { controller: 'goal', result: 'success' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_kube_requests_total', { verb: 'patch' })).toBeGreaterThan(0);
    expect(await op.metric('bosun_informer_relists_total', { resource: 'goals' })).toBeGreaterThanOrEqual(1);
  });
});
