// A request the API server refuses for a reason that will not go away by itself
// (a quota, an admission policy, a status nobody may write) ends in a reason on
// the Goal and no more retries, never a loop; the Goal goes on once its spec
// changes after the cause is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, applyRiskPolicy, condition, getGoal, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment } from '../support/workloads.js';

const heldSpec = {
  levels: { none: 'auto', low: 'approve', medium: 'approve', high: 'approve' },
  approvers: { users: ['bob'] },
};

describe('a request refused for good ends in a reason, never a loop', { timeout: 300_000 }, () => {
  const ns = useNamespace('refused');
  let op: RunningOperator;
  const more = () => op.log(30);
  const scale = (name: string, replicas: number) =>
    applyGoal(ns(), name, { intent: { type: 'scale', target: 'deployment/web', replicas }, riskPolicyRef: 'held' });
  const terminal = () => op.metric('bosun_reconcile_total', { controller: 'goal', result: 'terminal' });
  const goalReconciles = async () =>
    (await op.metric('bosun_reconcile_total', { controller: 'goal', result: 'success' })) +
    (await op.metric('bosun_reconcile_total', { controller: 'goal', result: 'error' })) +
    (await terminal());
  /** a few seconds pass with no more reconciles of the Goal than a watch echo, and no status write */
  const settled = async (name: string) => {
    const rv = getGoal(ns(), name).metadata.resourceVersion;
    const before = await goalReconciles();
    await new Promise((r) => setTimeout(r, 4000));
    expect((await goalReconciles()) - before).toBeLessThanOrEqual(1);
    expect(getGoal(ns(), name).metadata.resourceVersion).toBe(rv);
  };
  const vap = (name: string, resource: string, message: string) => [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            // riskpolicies too: a dry-run create of one tells when the policy is in force
            {
              apiGroups: ['bosun.dev'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE'],
              resources: [resource, 'riskpolicies'],
            },
          ],
        },
        validations: [{ expression: 'false', message }],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns() } } },
      },
    },
  ];
  const probe = () =>
    kubectl(['create', '--dry-run=server', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'probe' },
        spec: heldSpec,
      }),
    });
  const apply = async (docs: unknown[], says: string) => {
    kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }) });
    await until('the policy in force', async () => probe().stderr.includes(says), 30_000);
  };
  /** Removes the policy and waits until the API server no longer enforces it (it caches policies). */
  const remove = async (docs: { kind: string; metadata: { name: string } }[]) => {
    kubectlOk(['delete', '--ignore-not-found', ...docs.map((d) => `${d.kind.toLowerCase()}/${d.metadata.name}`)]);
    await until('the policy gone', async () => probe().code === 0, 30_000);
  };

  beforeAll(async () => {
    applyRiskPolicy(ns(), 'held', heldSpec);
    await createDeployment(ns(), 'web', { replicas: 2 });
    op = await startOperator({ cp: controlPlane(), identity: 'refused', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
  });

  it('1. a quota that forbids Approvals: Stalled with the quota named, once', async () => {
    kubectlOk(['create', 'quota', 'no-approvals', '--hard=count/approvals.bosun.dev=0'], { namespace: ns() });
    scale('quota', 3);
    const g = await waitPhase(ns(), 'quota', 'Stalled', more);
    expect(condition(g, 'Stalled')).toMatchObject({ reason: 'RequestRejected' });
    expect(condition(g, 'Stalled')?.message).toMatch(
      // before the quota controller has counted Approvals the API server says 'status unknown': refused all the same
      /403: .*(exceeded quota|status unknown for quota): no-approvals.*fix what the message names/,
    );
    expect(await terminal()).toBeGreaterThanOrEqual(1);
    await settled('quota');
    expect(kubectlOk(['describe', 'goal', 'quota'], { namespace: ns() })).toMatch(/Warning\s+RequestRejected/);
    expect(
      kubectlOk(['get', 'events', '--field-selector', 'reason=StatusRestored', '-o', 'name'], { namespace: ns() }),
    ).toBe('');
    kubectlOk(['delete', 'quota', 'no-approvals'], { namespace: ns() });
  });

  it('2. an admission policy that forbids Approvals: Stalled with its message, once', async () => {
    const docs = vap(`no-approvals-${ns()}`, 'approvals', 'approvals are frozen for the release');
    await apply(docs, 'frozen');
    try {
      scale('frozen', 4);
      const g = await waitPhase(ns(), 'frozen', 'Stalled', more);
      expect(condition(g, 'Stalled')?.message).toMatch(/422: .*approvals are frozen for the release/);
      await settled('frozen');
    } finally {
      await remove(docs);
    }
  });

  it('3. a status nobody may write: no loop, and the Goal goes on once its spec changes', async () => {
    const docs = vap(`no-goal-status-${ns()}`, 'goals/status', 'goal status is read-only here');
    await apply(docs, 'read-only');
    try {
      const before = await terminal();
      scale('mute', 5);
      await until('a terminal reconcile', async () => (await terminal()) > before, 60_000, more);
      expect(getGoal(ns(), 'mute').status?.phase).toBeUndefined(); // nothing could be written
      expect(op.log(200)).toMatch(/could not record a refused request on the Goal/);
      await settled('mute');
    } finally {
      await remove(docs);
    }
    scale('mute', 6); // the cause is gone and the spec changed: it goes on
    await waitPhase(ns(), 'mute', 'AwaitingApproval', more);
    expect(getDeployment(ns(), 'web').spec.replicas).toBe(2);
    const bugs = op
      .log(1_000_000)
      .split('\n')
      .filter((l) => l.includes('(a bug)'));
    expect(bugs).toEqual([]);
  });
});
