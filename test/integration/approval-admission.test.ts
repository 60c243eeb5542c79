// Nobody can forge, replay or stretch an approval: every rule is enforced by
// the real API server (Bosun's admission webhook, TLS, and CRD CEL), as the
// users alice (requester), bob (approver) and mallory.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { kubectlBosun } from '../support/plugin.js';
import { makeWebhookCerts, registerWebhooks } from '../support/webhook.js';
import { freePort } from '../../hack/control-plane/wait.js';
import { createDeployment, getDeployment } from '../support/workloads.js';

const OPERATOR = 'system:serviceaccount:bosun-system:bosun';

describe('approvals at admission', () => {
  const ns = useNamespace('admission');
  let op: RunningOperator;
  let unregister = () => {};
  const goal = (name: string) =>
    JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace: ns() })) as {
      metadata: { annotations?: Record<string, string> };
      spec: { requester?: unknown };
      status?: { phase?: string; approvalRef?: string };
    };
  const phase = (name: string, want: string) =>
    until(
      `${name} ${want}`,
      async () => goal(name).status?.phase === want,
      60_000,
      () => op.log(30),
    );
  const ask = (
    name: string,
    replicas: number,
    extra: Record<string, unknown> = {},
    annotations?: Record<string, string>,
  ) =>
    kubectlOk(['apply', '-f', '-'], {
      as: 'alice',
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name, annotations },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas }, ...extra },
      }),
    });
  const approvalOf = async (name: string) => {
    await until(
      `an Approval for ${name}`,
      async () =>
        Boolean(goal(name).status?.approvalRef) &&
        kubectl(['get', 'approval', goal(name).status?.approvalRef ?? 'x'], { namespace: ns() }).code === 0,
      60_000,
      () => op.log(30),
    );
    return goal(name).status?.approvalRef as string;
  };
  const addDecision = (as: 'alice' | 'bob' | 'mallory' | 'operator', approval: string, user: string) =>
    kubectl(
      [
        'patch',
        'approval',
        approval,
        '--type=json',
        '-p',
        JSON.stringify([{ op: 'add', path: '/spec/decisions/-', value: { user, decision: 'approve', comment: 'ok' } }]),
      ],
      { as, namespace: ns() },
    );

  beforeAll(async () => {
    for (const [user, role] of [
      ['alice', 'bosun-editor'],
      ['alice', 'bosun-approver'],
      ['bob', 'bosun-approver'],
      ['mallory', 'bosun-approver'],
      // bob and carol may scale deployments themselves: alice's plans run on their authority once approved
      ['bob', 'edit'],
      ['carol', 'edit'],
    ]) {
      kubectlOk(['create', 'rolebinding', `${user}-${role}`, `--clusterrole=${role}`, `--user=${user}`], {
        namespace: ns(),
      });
    }
    // RBAC already keeps the operator from deciding; grant it here anyway, as a misconfigured cluster
    // might, to show that admission refuses it too
    kubectlOk(['create', 'rolebinding', 'operator-approver', '--clusterrole=bosun-approver', `--user=${OPERATOR}`], {
      namespace: ns(),
    });
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: {
          protectedNamespaces: [ns()],
          approvers: { users: ['bob', 'alice'] },
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
        metadata: { name: 'two' },
        spec: {
          protectedNamespaces: [ns()],
          approvers: { users: ['bob', 'carol'] },
          requiredApprovals: 2,
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
        spec: { protectedNamespaces: [ns()], approvers: { users: ['bob'] }, approvalTTLSeconds: 5 },
      }),
    });
    await createDeployment(ns(), 'web', { replicas: 2 });
    const certs = makeWebhookCerts();
    const port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'admission',
      namespace: ns(),
      args: ['--webhook-addr', `127.0.0.1:${port}`, '--webhook-cert-dir', certs.dir],
    });
    unregister = registerWebhooks(ns(), port, certs.caBundle);
  });
  afterAll(async () => {
    unregister();
    await op?.stop();
  });

  it('stamps the requester from the API server, whatever was typed, and keeps it', async () => {
    ask('typed-requester', 3, { requester: { username: 'bob', groups: ['system:masters'] } });
    expect(goal('typed-requester').spec.requester).toMatchObject({
      username: 'alice',
      groups: ['developers', 'system:authenticated'],
    });
    for (const as of ['alice', 'admin'] as const) {
      const res = kubectl(
        ['patch', 'goal', 'typed-requester', '--type=merge', '-p', '{"spec":{"requester":{"username":"bob"}}}'],
        { as, namespace: ns() },
      );
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/set by the API server when the Goal is created \(alice\) and cannot be changed/);
    }
    // an apply that leaves it out (as GitOps tools do) keeps it
    ask('typed-requester', 3);
    expect(goal('typed-requester').spec.requester).toMatchObject({
      username: 'alice',
      groups: ['developers', 'system:authenticated'],
    });
  });

  it('happy path: bob approves with kubectl bosun, the Goal runs, and both objects say who, when and why', async () => {
    ask('scale-four', 4);
    const name = await approvalOf('scale-four');
    expect(kubectlBosun('bob', ['list', '-n', ns()]).stdout).toContain(name);
    expect(kubectlBosun('bob', ['describe', name, '-n', ns()]).stdout).toMatch(
      /Requested by: alice[\s\S]*alice may not patch deployments\/scale.apps web in .*; this plan runs on the approvers' authority[\s\S]*scale deployment\/web from 2 to 4 replicas[\s\S]*spec.replicas: 2 → 4[\s\S]*To undo: scale back to 2/,
    );
    const res = kubectlBosun('bob', ['approve', name, '-n', ns(), '-m', 'capacity for the sale']);
    expect(res.stdout + res.stderr).toMatch(/approved .* as bob/);
    await phase('scale-four', 'Succeeded');
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
    const approval = JSON.parse(kubectlOk(['get', 'approval', name, '-o', 'json'], { namespace: ns() })) as {
      spec: { decisions: { user: string; comment: string; decidedAt?: string }[] };
    };
    expect(approval.spec.decisions).toEqual([
      expect.objectContaining({
        user: 'bob',
        comment: 'capacity for the sale',
        decidedAt: expect.stringMatching(/^\d{4}-.*Z$/),
      }),
    ]);
    expect(kubectlOk(['describe', 'goal', 'scale-four'], { namespace: ns() })).toMatch(/approved by bob/);
    expect(kubectlOk(['describe', 'approval', name], { namespace: ns() })).toMatch(
      /Normal\s+Approved\s+.*approved by bob/,
    );

    // the Goal's action log, from Bosun's etcd
    const table = kubectlBosun('alice', [
      'logs',
      'scale-four',
      '-n',
      ns(),
      '--etcd-endpoints',
      controlPlane().bosunEtcdUrl,
    ]);
    expect(table.stdout).toMatch(/^TIME\s+ACTION\s+DETAIL/);
    for (const action of ['Planned', 'ApprovalRequested', 'Approved', 'StepSucceeded', 'Succeeded'])
      expect(table.stdout).toMatch(new RegExp(`\\s${action}\\s`));
    const json = kubectlBosun('alice', ['logs', 'scale-four', '-n', ns(), '-o', 'json'], {
      BOSUN_ETCD_ENDPOINTS: controlPlane().bosunEtcdUrl,
    });
    const records = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; detail: { tool?: string } });
    expect(records.some((r) => r.action === 'ToolCall' && r.detail.tool === 'k8s.scale')).toBe(true);
  });

  describe('each forbidden edit is rejected by the API server, saying why', () => {
    let pending = '';
    beforeAll(async () => {
      ask('held', 5);
      pending = await approvalOf('held');
    });

    it('1. mallory is not listed', () => {
      const res = addDecision('mallory', pending, 'mallory');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/mallory is not an approver of this Approval/);
    });
    it("2. bob cannot write alice's name", () => {
      const res = addDecision('bob', pending, 'alice');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/a decision must be your own: you are bob/);
    });
    it('3. a decision is final, and the required count cannot be lowered in the same edit', async () => {
      const approved = goal('scale-four').status?.approvalRef as string;
      const change = kubectl(
        [
          'patch',
          'approval',
          approved,
          '--type=json',
          '-p',
          JSON.stringify([{ op: 'replace', path: '/spec/decisions/0/decision', value: 'deny' }]),
        ],
        { as: 'bob', namespace: ns() },
      );
      expect(change.code).not.toBe(0);
      expect(change.stderr).toMatch(/decisions are append-only/);
      ask('needs-two', 8, { riskPolicyRef: 'two' });
      const two = await approvalOf('needs-two');
      // bob approves and lowers the count from 2 to 1 in one edit, to get the plan through alone
      const lower = kubectl(
        [
          'patch',
          'approval',
          two,
          '--type=merge',
          '-p',
          JSON.stringify({
            spec: { requiredApprovals: 1, decisions: [{ user: 'bob', decision: 'approve', comment: '' }] },
          }),
        ],
        { as: 'bob', namespace: ns() },
      );
      expect(lower.code).not.toBe(0);
      expect(lower.stderr).toMatch(/requiredApprovals is immutable/);
    });
    it('4. alice cannot approve her own Goal (four eyes)', () => {
      const res = addDecision('alice', pending, 'alice');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/alice asked for this Goal and cannot approve it/);
    });
    it("5. Bosun's own identity cannot decide", () => {
      const res = addDecision('operator', pending, OPERATOR);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/Bosun's own identity .* cannot decide/);
    });
    it('6. no decision after the expiry', async () => {
      ask('quick', 6, { riskPolicyRef: 'quick' });
      const name = await approvalOf('quick');
      await new Promise((r) => setTimeout(r, 5500));
      const res = addDecision('bob', name, 'bob');
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/this Approval expired at/);
      await phase('quick', 'Denied');
    });
    const patchApproval = (as: 'alice' | 'bob', name: string, ops: unknown[]) =>
      kubectl(['patch', 'approval', name, '--type=json', '-p', JSON.stringify(ops)], { as, namespace: ns() });
    const spec = (name: string) =>
      (JSON.parse(kubectlOk(['get', 'approval', name, '-o', 'json'], { namespace: ns() })) as { spec: unknown }).spec;

    it('7. every new decision is judged wherever it stands: none slipped in front, none twice, one at a time', () => {
      const two = goal('needs-two').status?.approvalRef as string;
      expect(addDecision('bob', two, 'bob').code).toBe(0); // 1 of 2
      const carol = { user: 'carol', decision: 'approve', comment: '' };
      for (const [why, ops, says] of [
        // bob's own decision is still the last one, as if it were the new one
        ['in front of his own', [{ op: 'add', path: '/spec/decisions/0', value: carol }], /append-only/],
        [
          'moved behind a new one',
          [
            { op: 'add', path: '/spec/decisions/-', value: carol },
            { op: 'move', from: '/spec/decisions/0', path: '/spec/decisions/-' },
          ],
          /append-only/,
        ],
        [
          'a second of his own',
          [{ op: 'add', path: '/spec/decisions/-', value: { user: 'bob', decision: 'deny', comment: '' } }],
          /bob has decided on this Approval already/,
        ],
      ] as const) {
        const res = patchApproval('bob', two, [...ops]);
        expect(res.code, why).not.toBe(0);
        expect(res.stderr, why).toMatch(says);
        expect(res.stderr, why).toMatch(/BOSUN_ERR_APPROVAL_(EDITED|FORGED)/);
      }
      const res = patchApproval('bob', pending, [
        { op: 'add', path: '/spec/decisions/-', value: { user: 'bob', decision: 'approve', comment: '' } },
        { op: 'add', path: '/spec/decisions/-', value: carol },
      ]);
      expect(res.stderr).toMatch(/BOSUN_ERR_APPROVAL_EDITED: add one decision at a time/);
      expect((spec(two) as { decisions: unknown[] }).decisions).toEqual([expect.objectContaining({ user: 'bob' })]);
    });
    it('8. an approver reads what Bosun wrote: nothing but the appended decision changes', () => {
      const before = spec(pending);
      const mine = { op: 'add', path: '/spec/decisions/-', value: { user: 'bob', decision: 'approve', comment: '' } };
      for (const [as, why, ops, says] of [
        ['bob', 'the runbook', [{ op: 'replace', path: '/spec/runbook', value: 'nothing to undo' }], /runbook/],
        ['bob', 'the runbook, with a decision', [{ op: 'add', path: '/spec/runbook', value: 'safe' }, mine], /runbook/],
        ['bob', 'the reasons', [{ op: 'replace', path: '/spec/reasons', value: [] }], /reasons/],
        [
          'alice',
          'the requester, to approve her own Goal',
          [
            { op: 'remove', path: '/spec/requester' },
            { op: 'add', path: '/spec/decisions/-', value: { user: 'alice', decision: 'approve', comment: '' } },
          ],
          /requester/,
        ],
      ] as const) {
        const res = patchApproval(as, pending, [...ops]);
        expect(res.code, why).not.toBe(0);
        expect(res.stderr, why).toMatch(/BOSUN_ERR_APPROVAL_EDITED: spec\.\w+ is immutable/);
        expect(res.stderr, why).toMatch(says);
      }
      expect(spec(pending)).toEqual(before);
    });
    it('9. what Bosun cannot read, the webhook refuses itself (before the CRD is asked), saying why', () => {
      const create = kubectl(['create', '-f', '-'], {
        as: 'alice',
        namespace: ns(),
        input: JSON.stringify({
          apiVersion: 'bosun.dev/v1alpha1',
          kind: 'Goal',
          metadata: { name: 'unreadable' },
          spec: { mode: 'yolo', intent: { type: 'scale', target: 'deployment/web', replicas: 1 } },
        }),
      });
      expect(create.stderr).toMatch(/BOSUN_ERR_ADMISSION_UNREADABLE: Bosun cannot read this Goal: spec\.mode:/);
      const lowerCase = { user: 'bob', decision: 'approve', comment: '', decidedAt: '2026-01-01t00:00:00z' };
      const decision = patchApproval('bob', pending, [{ op: 'add', path: '/spec/decisions/-', value: lowerCase }]);
      expect(decision.stderr).toMatch(/BOSUN_ERR_ADMISSION_UNREADABLE: .*spec\.decisions\[0\]\.decidedAt:/);
      const update = kubectl(
        ['patch', 'goal', 'held', '--type=merge', '-p', '{"spec":{"budget":{"maxTokens":9007199254740992}}}'],
        { as: 'alice', namespace: ns() },
      );
      expect(update.stderr).toMatch(/BOSUN_ERR_ADMISSION_UNREADABLE: .*spec\.budget\.maxTokens:/);
    });
    it('and the held Goals never ran', () => {
      expect(goal('held').status?.phase).toBe('AwaitingApproval');
      expect(goal('needs-two').status?.phase).toBe('AwaitingApproval');
      expect(getDeployment(ns(), 'web').spec.replicas).toBe(4);
    });
  });

  const forged = (decisions?: unknown[]) =>
    JSON.stringify({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Approval',
      metadata: { name: 'forged' },
      spec: {
        subjectRef: { kind: 'Goal', name: 'held' },
        planHash: 'a'.repeat(64),
        steps: [{ index: 0, tool: 'k8s.scale', summary: 's', risk: 'low' }],
        risk: 'low',
        approvers: { users: ['bob'] },
        requiredApprovals: 1,
        expiresAt: '2030-01-01T00:00:00Z',
        decisions,
      },
    });

  it('nobody but Bosun creates an Approval', () => {
    const res = kubectl(['create', '-f', '-'], { namespace: ns(), input: forged() });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/Approvals are created by Bosun/);
  });

  // on the real control plane, as users who may read Approvals only in this namespace
  describe('kubectl bosun list', () => {
    let pending = '';
    let dir = '';
    /** a copy of the user's kubeconfig whose current context is in `namespace` */
    const kubeconfigIn = (as: 'bob' | 'mallory', namespace: string) => {
      const path = join(dir, `${as}-${namespace}.yaml`);
      copyFileSync(controlPlane().kubeconfigs[as], path);
      kubectlOk(['config', 'set-context', '--current', `--namespace=${namespace}`, '--kubeconfig', path]);
      return path;
    };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'bosun-list-'));
      ask('listed', 3);
      pending = await approvalOf('listed');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("defaults to the kubeconfig's current namespace, like kubectl", () => {
      const here = kubectlBosun('bob', ['list'], { KUBECONFIG: kubeconfigIn('bob', ns()) });
      expect(here.code).toBe(0);
      expect(here.stdout).toMatch(new RegExp(`^${ns()}\\s+${pending}\\s+listed\\s`, 'm'));
      const elsewhere = kubectlBosun('bob', ['list']); // bob's own kubeconfig: namespace default, not his
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stderr).toMatch(/bob may not list Approvals in namespace default/);
    });

    it('-A lists the namespaces the user may read and names those it could not', () => {
      kubectlOk(['create', 'clusterrole', `${ns()}-namespace-reader`, '--verb=list', '--resource=namespaces']);
      kubectlOk([
        'create',
        'clusterrolebinding',
        `${ns()}-bob-reads-namespaces`,
        `--clusterrole=${ns()}-namespace-reader`,
        '--user=bob',
      ]);
      try {
        const res = kubectlBosun('bob', ['list', '-A']);
        expect(res.code, res.stderr).toBe(0);
        expect(res.stdout).toMatch(new RegExp(`^${ns()}\\s+${pending}\\s+listed\\s`, 'm'));
        const unreadable = /could not read Approvals in (.*) \(forbidden\)/.exec(res.stdout)?.[1]?.split(', ');
        expect(unreadable).toContain('kube-system');
        expect(unreadable).not.toContain(ns());
      } finally {
        kubectl(['delete', 'clusterrolebinding', `${ns()}-bob-reads-namespaces`]);
        kubectl(['delete', 'clusterrole', `${ns()}-namespace-reader`]);
      }
    });

    it('-A, for a user who may not list namespaces, searches the current one and says so', () => {
      const res = kubectlBosun('mallory', ['list', '-A'], { KUBECONFIG: kubeconfigIn('mallory', ns()) });
      expect(res.code, res.stderr).toBe(0);
      // mallory may read this namespace's Approvals but approves none of them
      expect(res.stdout).toContain(`no Approvals wait for mallory in namespace ${ns()}`);
      expect(res.stdout).toContain(`you may not list namespaces, so only ${ns()} was searched`);
    });
  });

  it('nobody creates an Approval with decisions in it, Bosun included', () => {
    const bobs = [{ user: 'bob', decision: 'approve', comment: '' }];
    for (const [as, args] of [
      ['operator', ['create', '-f', '-']],
      ['operator', ['apply', '--server-side', '--field-manager=bosun', '-f', '-']],
      ['admin', ['create', '-f', '-']],
    ] as const) {
      const res = kubectl([...args], { as, namespace: ns(), input: forged(bobs) });
      expect(res.code, `${as} ${args[0]}`).not.toBe(0);
      expect(res.stderr, `${as} ${args[0]}`).toMatch(/BOSUN_ERR_APPROVAL_FORGED/);
    }
    // Bosun's own identity may create it bare; then it is Bosun's like any other
    expect(
      kubectl(['create', '--dry-run=server', '-f', '-'], { as: 'operator', namespace: ns(), input: forged() }).code,
    ).toBe(0);
  });
});
