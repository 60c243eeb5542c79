// Nobody does through Bosun what they could not do themselves. alice may only
// ask for Goals (bosun-editor): every kind of change she asks for stalls with
// RequesterForbidden and Bosun writes nothing; the same Goals, held for
// approval, run once bob (who may make those changes) approves, and the
// Approval said so, with the dry-run's field-level diff, before he decided.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, kubectl, kubectlOk, useNamespace, auditEvents } from '../support/cluster.js';
import { applyGoal, approveAs, condition, getApproval, waitPhase, type GoalView } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { OPERATOR_USER } from '../support/webhook.js';
import { createDeployment, getDeployment, waitRolledOut } from '../support/workloads.js';

const configMap = (name: string, data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** One of each kind of change a Goal can ask for, on deployment/web (revision 2) and deployment/old. */
const asks: { name: string; intent: Record<string, unknown>; denied: RegExp }[] = [
  {
    name: 'scale',
    intent: { type: 'scale', target: 'deployment/web', replicas: 3 },
    denied: /patch deployments\/scale/,
  },
  { name: 'restart', intent: { type: 'restart', target: 'deployment/web' }, denied: /patch deployments.apps web/ },
  { name: 'rollback', intent: { type: 'rollback', target: 'deployment/web' }, denied: /patch deployments.apps web/ },
  {
    name: 'set-image',
    intent: { type: 'deploy-image', target: 'deployment/web', image: 'nginx:1.29' },
    denied: /patch deployments.apps web/,
  },
  {
    name: 'create',
    intent: { type: 'apply', manifest: configMap('settings', { mode: 'fast' }) },
    denied: /create configmaps settings/,
  },
  { name: 'delete', intent: { type: 'delete', target: 'deployment/old' }, denied: /delete deployments.apps old/ },
];

describe('requester authority', { timeout: 300_000 }, () => {
  const ns = useNamespace('authority');
  let op: RunningOperator;
  const more = () => op.log(30);

  beforeAll(async () => {
    kubectlOk(['create', 'rolebinding', 'alice-editor', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-approver', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'bob-edit', '--clusterrole=edit', '--user=bob'], { namespace: ns() });
    for (const [name, levels] of [
      // a delete is critical (destructive, cannot be undone): these policies let even that through
      ['everything-auto', { none: 'auto', low: 'auto', medium: 'auto', high: 'auto', critical: 'auto' }],
      ['everything-held', { none: 'auto', low: 'approve', medium: 'approve', high: 'approve', critical: 'approve' }],
    ] as const) {
      kubectlOk(['apply', '-f', '-'], {
        namespace: ns(),
        input: JSON.stringify({
          apiVersion: 'bosun.dev/v1alpha1',
          kind: 'RiskPolicy',
          metadata: { name },
          spec: { levels, approvers: { users: ['bob'] }, requiredApprovals: 1, approvalTTLSeconds: 600 },
        }),
      });
    }
    await createDeployment(ns(), 'web', { replicas: 2, image: 'nginx:1.27' });
    kubectlOk(['set', 'image', 'deployment/web', 'app=nginx:1.28'], { namespace: ns() });
    await waitRolledOut(ns(), 'web');
    await createDeployment(ns(), 'old', { replicas: 1 });
    op = await startOperator({ cp: controlPlane(), identity: 'authority', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('alice cannot get Bosun to create, scale, restart, roll back, set an image on or delete anything', async () => {
    const webBefore = getDeployment(ns(), 'web').metadata.resourceVersion;
    for (const a of asks)
      applyGoal(ns(), `alice-${a.name}`, { intent: a.intent, riskPolicyRef: 'everything-auto' }, 'alice');
    for (const a of asks) {
      const g = await waitPhase(ns(), `alice-${a.name}`, 'Stalled', more);
      const stalled = condition(g, 'Stalled');
      expect(stalled?.reason, a.name).toBe('RequesterForbidden');
      expect(stalled?.message, a.name).toMatch(/^alice may not /);
      expect(stalled?.message, a.name).toMatch(a.denied);
      expect(stalled?.message, a.name).toMatch(/grant it \(kubectl create role/);
      expect(g.spec.requester?.username).toBe('alice');
    }
    // the audit log: not one write by Bosun or its executor outside Bosun's own objects, not even a dry-run
    const executor = `system:serviceaccount:${ns()}:bosun-executor`;
    const writes = auditEvents(
      (e) =>
        e.objectRef?.namespace === ns() &&
        [OPERATOR_USER, executor].includes(e.user.username) &&
        ['create', 'update', 'patch', 'delete'].includes(e.verb) &&
        e.objectRef.apiGroup !== 'bosun.dev' &&
        e.objectRef.resource !== 'events',
    );
    expect(writes.map((e) => `${e.user.username} ${e.verb} ${e.objectRef?.resource}`)).toEqual([]);
    expect(getDeployment(ns(), 'web').metadata.resourceVersion).toBe(webBefore);
    expect(kubectlOk(['get', 'deployment', 'old', '-o', 'name'], { namespace: ns() }).trim()).toBe(
      'deployment.apps/old',
    );
  });

  it("the same Goals run on bob's authority once he approves, and the Approval said so beforehand", async () => {
    const held = (a: (typeof asks)[number]) => `held-${a.name}`;
    // one at a time: each changes deployment/web
    for (const a of asks) {
      applyGoal(ns(), held(a), { intent: a.intent, riskPolicyRef: 'everything-held' }, 'alice');
      const g: GoalView = await waitPhase(ns(), held(a), 'AwaitingApproval', more);
      expect(g.status?.authority, a.name).toMatch(/^alice may not .*; this plan runs on the approvers' authority$/);
      const approval = getApproval(ns(), g.status?.approvalRef ?? '');
      expect(approval.spec.authority, a.name).toBe(g.status?.authority);
      expect(approval.spec.requester?.username).toBe('alice');
      if (a.name === 'set-image') {
        expect(approval.spec.steps[0]?.diff).toContain(
          'spec.template.spec.containers[app].image: nginx:1.28 → nginx:1.29',
        );
      }
      if (a.name === 'create') expect(approval.spec.steps[0]?.diff?.[0]).toMatch(/created configmap\/settings/);
      if (a.name === 'scale') expect(approval.spec.steps[0]?.diff).toContain('spec.replicas: 2 → 3');
      expect(approveAs(ns(), approval.metadata.name, 'bob').code, a.name).toBe(0);
      await waitPhase(ns(), held(a), 'Succeeded', more);
    }
    expect(getDeployment(ns(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.29');
    expect(kubectlOk(['get', 'configmap', 'settings', '-o', 'jsonpath={.data.mode}'], { namespace: ns() })).toBe(
      'fast',
    );
    expect(kubectlOk(['get', 'deployment', '--ignore-not-found', 'old'], { namespace: ns() }).trim()).toBe('');
    // every write was the executor's, with a short-lived token; none was Bosun's own
    const writers = auditEvents(
      (e) =>
        e.objectRef?.namespace === ns() &&
        ['create', 'update', 'patch', 'delete'].includes(e.verb) &&
        ['deployments', 'configmaps'].includes(e.objectRef.resource ?? '') &&
        !e.requestURI?.includes('dryRun'),
    ).map((e) => e.user.username);
    expect(writers).toContain(`system:serviceaccount:${ns()}:bosun-executor`);
    expect(writers).not.toContain(OPERATOR_USER);
  });

  it('a plan held for approval that no listed approver may carry stalls, naming what is missing', async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'weak-approvers' },
        spec: { levels: { low: 'approve', medium: 'approve' }, approvers: { users: ['mallory'] } },
      }),
    });
    applyGoal(
      ns(),
      'nobody-may',
      { intent: { type: 'scale', target: 'deployment/web', replicas: 4 }, riskPolicyRef: 'weak-approvers' },
      'alice',
    );
    const g = await waitPhase(ns(), 'nobody-may', 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({
      reason: 'RequesterForbidden',
      message: expect.stringMatching(/alice may not patch deployments\/scale.*too few of the approvers may either/),
    });
  });

  it('every Remediation and PipelineRun carries its requester from the API server; Bosun creates them only for a trigger', () => {
    const run = (requester?: unknown) =>
      JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'PipelineRun',
        metadata: { generateName: 'run-' },
        spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab', trigger: { type: 'manual' }, requester },
      });
    const remediation = JSON.stringify({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Remediation',
      metadata: { generateName: 'heal-' },
      spec: {
        issue: { source: 'manual', fingerprint: 'f1', summary: 'web is slow' },
        targetRef: { kind: 'Deployment', name: 'web' },
        requester: { username: 'root', groups: ['system:masters'] },
      },
    });
    const created = (input: string, as: 'alice' | 'operator') =>
      JSON.parse(kubectlOk(['create', '-o', 'json', '-f', '-'], { as, namespace: ns(), input })) as {
        spec: { requester?: { username: string; groups?: string[] } };
      };
    // alice may create both (bosun-editor); whatever she typed, the API server's word is kept
    expect(created(remediation, 'alice').spec.requester).toMatchObject({
      username: 'alice',
      groups: ['developers', 'system:authenticated'],
    });
    expect(created(run({ username: 'bob', groups: [] }), 'alice').spec.requester?.username).toBe('alice');
    // Bosun itself: with a trigger's identity, kept; with none, or its own, refused
    const trigger = { username: 'system:serviceaccount:ci:pusher', groups: ['ci'] };
    kubectlOk(['create', 'rolebinding', 'operator-creates', '--clusterrole=bosun-editor', `--user=${OPERATOR_USER}`], {
      namespace: ns(),
    });
    expect(created(run(trigger), 'operator').spec.requester).toEqual(trigger);
    for (const requester of [undefined, { username: OPERATOR_USER, groups: [] }]) {
      const res = kubectl(['create', '-f', '-'], { as: 'operator', namespace: ns(), input: run(requester) });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/Bosun creates a PipelineRun only for a trigger|never Bosun's own/);
    }
  });
});
