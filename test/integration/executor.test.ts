// Writes go through a namespace's executor ServiceAccount with a short-lived
// token, and what a step will write is read before anyone approves it: risky
// content raises the plan's risk, anything outside the namespace stalls at
// planning, and the API server's admission (Pod Security, the executor's RBAC)
// answers at planning through a dry-run.
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, controlPlane, createExecutor, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, condition, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { OPERATOR_USER } from '../support/webhook.js';
import { createDeployment, getDeployment } from '../support/workloads.js';

const privileged = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'rootkit' },
  spec: {
    selector: { matchLabels: { app: 'rootkit' } },
    template: {
      metadata: { labels: { app: 'rootkit' } },
      spec: {
        hostPID: true,
        containers: [{ name: 'x', image: 'busybox', securityContext: { privileged: true } }],
        volumes: [{ name: 'host', hostPath: { path: '/' } }],
      },
    },
  },
});

describe('executor credentials and content-aware risk', () => {
  const ns = useNamespace('executor');
  const bare = useNamespace('no-executor', { executor: false });
  const narrow = useNamespace('scale-only', { executor: false });
  const restricted = useNamespace('restricted');
  let op: RunningOperator;
  const more = () => op.log(30);

  beforeAll(async () => {
    await Promise.all([
      createDeployment(ns(), 'web'),
      createDeployment(bare(), 'web'),
      createDeployment(narrow(), 'web'),
    ]);
    // scale-only: the namespace's admin lets Bosun scale deployments, and nothing else
    kubectlOk(['create', 'role', 'scale-only', '--verb=patch', '--resource=deployments/scale'], {
      namespace: narrow(),
    });
    createExecutor(narrow(), 'bosun-executor');
    kubectlOk(['delete', 'rolebinding', 'bosun-executor'], { namespace: narrow() });
    kubectlOk(
      ['create', 'rolebinding', 'bosun-executor', '--role=scale-only', `--serviceaccount=${narrow()}:bosun-executor`],
      {
        namespace: narrow(),
      },
    );
    kubectlOk(['label', 'namespace', restricted(), 'pod-security.kubernetes.io/enforce=restricted']);
    op = await startOperator({ cp: controlPlane(), identity: 'executor' });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('a privileged, hostPID, hostPath Deployment is critical and denied by the default policy; nothing is sent', async () => {
    applyGoal(ns(), 'rootkit', { intent: { type: 'apply', manifest: privileged } });
    const g = await waitPhase(ns(), 'rootkit', 'Denied', more);
    expect(g.status?.risk).toBe('critical');
    const reasons = (g.status?.riskReasons ?? []).join('\n');
    expect(reasons).toMatch(/privileged/);
    expect(reasons).toMatch(/hostPath/);
    expect(reasons).toMatch(/hostPID/);
    expect(condition(g, 'Ready')?.message).toMatch(/critical: deny/);
    expect(kubectl(['get', 'deployment', 'rootkit'], { namespace: ns() }).code).not.toBe(0);
    const sent = auditEvents(
      (e) =>
        e.user.username !== 'admin' &&
        e.objectRef?.namespace === ns() &&
        e.objectRef.resource === 'deployments' &&
        e.objectRef.name === 'rootkit',
    );
    expect(sent).toEqual([]); // not even a dry-run
  });

  it.each([
    {
      why: 'another namespace',
      manifest: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'x', namespace: 'kube-system' },
      }),
      says: /names namespace kube-system/,
    },
    {
      why: 'a cluster-scoped kind',
      manifest: JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'me-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'User', name: 'alice' }],
      }),
      says: /ClusterRoleBinding\/me-admin is cluster-scoped/,
    },
  ])('a manifest naming $why stalls at planning', async ({ why, manifest, says }) => {
    const name = `outside-${why.startsWith('another') ? 'ns' : 'cluster'}`;
    applyGoal(ns(), name, { intent: { type: 'apply', manifest } });
    const g = await waitPhase(ns(), name, 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({
      reason: 'TargetOutsideNamespace',
      message: expect.stringMatching(says),
    });
    expect(g.status?.plan).toBeUndefined();
  });

  it("a Pod Security restricted namespace rejects a root container at planning, in the API server's words", async () => {
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'as-root' },
      spec: { containers: [{ name: 'x', image: 'busybox', securityContext: { runAsUser: 0 } }] },
    });
    applyGoal(restricted(), 'root-pod', { intent: { type: 'apply', manifest: pod } });
    const g = await waitPhase(restricted(), 'root-pod', 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({
      reason: 'DryRunRejected',
      message: expect.stringMatching(/dry-run was rejected: .*violates PodSecurity "restricted/),
    });
    expect(kubectl(['get', 'pod', 'as-root'], { namespace: restricted() }).code).not.toBe(0);
  });

  it('with no executor ServiceAccount the Goal stalls with NoExecutor and the two commands to fix it', async () => {
    applyGoal(bare(), 'scale', { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } });
    const g = await waitPhase(bare(), 'scale', 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({
      reason: 'NoExecutor',
      message: expect.stringMatching(
        new RegExp(`kubectl create serviceaccount bosun-executor -n ${bare()} && kubectl create rolebinding`),
      ),
    });
    expect(getDeployment(bare(), 'web').spec.replicas).toBe(2);
  });

  it("with an executor bound only to deployments/scale, a scale runs and a set-image stalls with the API server's message", async () => {
    applyGoal(narrow(), 'scale', { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } });
    await waitPhase(narrow(), 'scale', 'Succeeded', more);
    expect(getDeployment(narrow(), 'web').spec.replicas).toBe(3);
    applyGoal(narrow(), 'image', { intent: { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.29' } });
    const g = await waitPhase(narrow(), 'image', 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({
      reason: 'ExecutorForbidden',
      message: expect.stringMatching(
        new RegExp(`system:serviceaccount:${narrow()}:bosun-executor" cannot patch resource "deployments"`),
      ),
    });
    expect(getDeployment(narrow(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
  });

  it('tokens live at most ten minutes and reach no log, Event, status or etcd record', async () => {
    applyGoal(ns(), 'canary', { intent: { type: 'scale', target: 'deployment/web', replicas: 4 } });
    await waitPhase(ns(), 'canary', 'Succeeded', more);
    const requests = auditEvents(
      (e) =>
        e.user.username === OPERATOR_USER &&
        e.objectRef?.resource === 'serviceaccounts' &&
        e.objectRef.subresource === 'token',
    );
    expect(requests.length).toBeGreaterThan(0);
    const tokens: string[] = [];
    for (const r of requests) {
      expect(r.objectRef?.name).toBe('bosun-executor');
      expect((r.requestObject as { spec?: { expirationSeconds?: number } }).spec?.expirationSeconds).toBe(600);
      const token = (r.responseObject as { status?: { token?: string } } | undefined)?.status?.token;
      if (!token) continue;
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        exp: number;
        iat: number;
      };
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(600);
      tokens.push(token);
    }
    expect(tokens.length).toBeGreaterThan(0);
    const sinks: Record<string, string> = {
      'operator log': op.log(1_000_000),
      Events: kubectlOk(['get', 'events', '-A', '-o', 'json']),
      'Goal status': kubectlOk(['get', 'goals', '-A', '-o', 'json']),
      Approvals: kubectlOk(['get', 'approvals', '-A', '-o', 'json']),
    };
    const etcd = new Etcd3({ hosts: controlPlane().bosunEtcdUrl });
    try {
      sinks["Bosun's etcd"] = JSON.stringify(await etcd.getAll().prefix('/bosun/').strings());
    } finally {
      etcd.close();
    }
    for (const [sink, text] of Object.entries(sinks)) {
      for (const t of tokens) {
        expect(text.includes(t), `a token in ${sink}`).toBe(false);
        expect(text.includes(t.split('.')[2] ?? t), `a token's signature in ${sink}`).toBe(false);
      }
    }
  });
});
