// Remediations that escalate, on the real control plane: a heal that does not
// hold is undone and escalated with a ticket (GitHub, Jira: loopback fakes of
// their APIs), and the guard rails escalate instead of healing: an issue back
// within the flap window, a target healed as often as the RiskPolicy allows in
// an hour, and Bosun's own namespace. Pods fail by KWOK stages (there is no
// kubelet): registry.bosun.test/crash:1 crash-loops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { fingerprintLabel } from '../../src/tickets/index.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startFakeGitHub, type FakeGitHub } from '../support/github-api.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startFakeJira, type FakeJira } from '../support/jira-api.js';
import { grantSecretReader } from '../support/model-provider.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import {
  applyRemediation,
  getRemediation,
  recordFiring,
  remediationCondition,
  waitRemediation,
  type RemediationView,
} from '../support/remediations.js';
import {
  CRASH_IMAGE,
  applyDeployment,
  createDeployment,
  getDeployment,
  waitPodsWaiting,
} from '../support/workloads.js';

/** Heals run without approval here (rollbacks are medium risk); a heal is verified for 3 seconds. */
const healing = {
  levels: { medium: 'auto' },
  approvers: { users: ['bob'] },
  heal: { verifySeconds: 3, flapWindowSeconds: 600 },
};
/** A verification window long enough for a test to break the target while it runs. */
const watching = { ...healing, heal: { ...healing.heal, verifySeconds: 120 } };

describe('Remediations escalate', { timeout: 300_000 }, () => {
  const ns = useNamespace('escalate');
  let op: RunningOperator;
  let store: EtcdStateStore;
  let github: FakeGitHub;
  let jira: FakeJira;
  const more = () => op.log(40);

  /** A Deployment that ran nginx (revision 1) and now crash-loops on CRASH_IMAGE (revision 2). */
  async function crashing(name: string) {
    await createDeployment(ns(), name);
    applyDeployment(ns(), name, { image: CRASH_IMAGE });
    await waitPodsWaiting(ns(), name, 'CrashLoopBackOff');
  }

  /** An alert's Remediation: its occurrence is firing in Bosun's etcd, as the intake records it. */
  async function firingAlert(name: string, target: string, spec: Record<string, unknown> = {}) {
    const fingerprint = `alert/${name}`;
    await recordFiring(store, ns(), fingerprint, 'starts-1');
    applyRemediation(ns(), name, target, {
      issue: {
        source: 'alert',
        fingerprint,
        summary: `${target} is crash looping`,
        generatorURL: `http://prometheus.test/graph?g0.expr=crash%7Bdeployment%3D%22${target}%22%7D`,
      },
      ...spec,
    });
    return fingerprint;
  }

  /**
   * The heal rolls back and verification starts; then the bad release comes back (a GitOps sync, a pipeline
   * run again), its new pod crashes, and the restarts rise within the window: the heal did not hold.
   */
  async function breakDuringVerification(remediation: string, target: string) {
    await until(
      `${remediation} verifying`,
      async () => getRemediation(ns(), remediation).status?.verification?.result === 'Pending',
      120_000,
      () => `${JSON.stringify(getRemediation(ns(), remediation).status, null, 1)}\n${more()}`,
    );
    expect(getDeployment(ns(), target).spec.template.spec.containers[0]?.image).toBe('nginx:1.27'); // healed, so far
    applyDeployment(ns(), target, { image: CRASH_IMAGE });
  }

  /** The undo ran: the plan is the heal's undo, done, and the target is back where the heal found it. */
  function expectUndone(r: RemediationView, target: string) {
    const s = r.status;
    expect(s?.phase).toBe('Escalated');
    expect(remediationCondition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'VerificationFailed' });
    expect(s?.heals?.map((h) => [h.playbook, h.result])).toEqual([['rollback', 'VerificationFailed']]);
    expect(s?.verification?.result).toBe('Failed');
    expect(s?.verification?.message).toMatch(/restarts rose from 0 to [1-9]/);
    // the plan is now the undo of the heal's rollback: forward again to the revision it found
    expect(s?.plan?.steps.map((x) => [x.tool, x.state])).toEqual([['k8s.rollout-undo', 'Succeeded']]);
    expect(s?.plan?.steps[0]?.params?.toRevision).toBe(2);
    expect(getDeployment(ns(), target).spec.template.spec.containers[0]?.image).toBe(CRASH_IMAGE);
  }

  beforeAll(async () => {
    [github, jira] = await Promise.all([startFakeGitHub(), startFakeJira()]);
    // the tickets' credentials, and Bosun's right to read them here (as a namespace admin grants it)
    kubectlOk(['create', 'secret', 'generic', 'github-token', `--from-literal=token=${github.token}`], {
      namespace: ns(),
    });
    kubectlOk(
      [
        'create',
        'secret',
        'generic',
        'jira-credentials',
        `--from-literal=email=${jira.email}`,
        `--from-literal=apiToken=${jira.apiToken}`,
      ],
      { namespace: ns() },
    );
    grantSecretReader(ns());
    const ticket = {
      github: {
        repository: github.repository,
        baseURL: github.baseURL,
        secretRef: { name: 'github-token', key: 'token' },
      },
    };
    applyRiskPolicy(ns(), 'default', { ...healing, escalation: { ticket } });
    applyRiskPolicy(ns(), 'github-watch', { ...watching, escalation: { ticket } });
    applyRiskPolicy(ns(), 'jira-watch', {
      ...watching,
      escalation: {
        ticket: { jira: { url: jira.url, project: jira.project, secretRef: { name: 'jira-credentials' } } },
      },
    });
    applyRiskPolicy(ns(), 'once-an-hour', { ...healing, heal: { ...healing.heal, maxHealsPerHour: 1 } });
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    op = await startOperator({ cp: controlPlane(), identity: 'escalate', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
    await Promise.all([github?.close(), jira?.close()]);
  });

  it('a heal that does not hold is undone and escalated with one GitHub issue that says the diagnosis', async () => {
    await crashing('web');
    const fingerprint = await firingAlert('web-crash', 'web', { riskPolicyRef: 'github-watch' });
    await breakDuringVerification('web-crash', 'web');
    const r = await waitRemediation(ns(), 'web-crash', 'Escalated', more, 180_000);
    expectUndone(r, 'web');
    const issues = github.issues.filter((i) => i.labels.includes(fingerprintLabel(`${ns()}/${fingerprint}`)));
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(r.status?.ticket).toMatchObject({
      system: 'github',
      id: String(issue?.number),
      url: `${github.origin}/${github.repository}/issues/${issue?.number}`,
    });
    expect(remediationCondition(r, 'Ticketed')).toMatchObject({ status: 'True', reason: 'TicketOpened' });
    expect(issue?.title).toBe(`web is crash looping: Deployment ${ns()}/web`);
    for (const text of [
      'Symptom: CrashLoop',
      `Hypothesis: ${r.status?.diagnosis?.hypothesis ?? '?'}`,
      'playbook rollback',
      'k8s.rollout-undo',
      `kubectl describe remediation web-crash -n ${ns()}`,
      'http://prometheus.test/graph',
    ])
      expect(issue?.body).toContain(text);
    expect(github.failures).toEqual([]);
    expect(kubectlOk(['describe', 'remediation', 'web-crash'], { namespace: ns() })).toContain('TicketOpened');
    // the token was read, and registered with the log's masker: no line shows it
    expect(op.log(100_000)).not.toContain(github.token);
  });

  it('the same, with the ticket in Jira', async () => {
    await crashing('api');
    const fingerprint = await firingAlert('api-crash', 'api', { riskPolicyRef: 'jira-watch' });
    await breakDuringVerification('api-crash', 'api');
    const r = await waitRemediation(ns(), 'api-crash', 'Escalated', more, 180_000);
    expectUndone(r, 'api');
    const issues = jira.issues.filter((i) => i.labels.includes(fingerprintLabel(`${ns()}/${fingerprint}`)));
    expect(issues).toHaveLength(1);
    expect(r.status?.ticket).toEqual({
      system: 'jira',
      id: issues[0]?.key,
      url: `${jira.url}/browse/${issues[0]?.key}`,
      occurrences: 1,
    });
    const description = JSON.stringify(issues[0]?.description);
    for (const text of ['Symptom: CrashLoop', 'k8s.rollout-undo', `kubectl describe remediation api-crash`])
      expect(description).toContain(text);
    expect(jira.failures).toEqual([]);
    expect(op.log(100_000)).not.toContain(jira.apiToken);
  });

  it('an issue back within the flap window of its heal escalates as Flapping instead of healing again', async () => {
    await crashing('cart');
    applyRemediation(ns(), 'cart-crashloop', 'cart');
    const healed = await waitRemediation(ns(), 'cart-crashloop', 'Healed', more, 180_000);
    expect(healed.status?.ticket).toBeUndefined(); // nothing escalated, no ticket

    // the alert intake records the issue firing again: the Remediation wakes with it
    await recordFiring(store, ns(), 'manual/cart-crashloop', 'starts-2');
    const r = await waitRemediation(ns(), 'cart-crashloop', 'Escalated', more);
    expect(remediationCondition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'Flapping' });
    expect(r.status?.heals).toHaveLength(1); // not healed again
    expect(r.status?.ticket?.url).toMatch(/\/issues\/\d+$/);
  });

  it('with heal.maxHealsPerHour 1, a second issue on a target healed this hour escalates with HealLimitReached', async () => {
    // the heals are counted per clock hour: both must fall in the same one
    const left = () => 3_600_000 - (Date.now() % 3_600_000);
    if (left() < 120_000) await until('the next hour', async () => left() > 3_000_000, 130_000);
    await crashing('shop');
    applyRemediation(ns(), 'shop-first', 'shop', { riskPolicyRef: 'once-an-hour' });
    await waitRemediation(ns(), 'shop-first', 'Healed', more, 180_000);
    applyRemediation(ns(), 'shop-second', 'shop', { riskPolicyRef: 'once-an-hour' });
    const r = await waitRemediation(ns(), 'shop-second', 'Escalated', more);
    expect(remediationCondition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'HealLimitReached' });
    expect(r.status?.heals ?? []).toEqual([]);
    expect(r.status?.ticket).toBeUndefined(); // once-an-hour names no ticket system
    expect(remediationCondition(r, 'Ticketed')).toBeUndefined();
  });
});

describe('Bosun never heals what is in its own namespace', { timeout: 120_000 }, () => {
  const ns = useNamespace('bosun-self');
  let op: RunningOperator;

  beforeAll(async () => {
    await createDeployment(ns(), 'bosun');
    // this namespace is the operator's own; its Lease stays where the operator may keep it
    op = await startOperator({
      cp: controlPlane(),
      identity: 'escalate-self',
      namespace: ns(),
      args: ['--operator-namespace', ns(), '--lease-namespace', 'bosun-system'],
    });
  });
  afterAll(() => op?.stop());

  it('escalates with SelfHeal, and changes nothing', async () => {
    applyDeployment(ns(), 'bosun', { image: CRASH_IMAGE });
    applyRemediation(ns(), 'bosun-crashloop', 'bosun');
    const r = await waitRemediation(ns(), 'bosun-crashloop', 'Escalated', () => op.log(40));
    expect(remediationCondition(r, 'Ready')).toMatchObject({ status: 'False', reason: 'SelfHeal' });
    expect(r.status?.plan).toBeUndefined();
    expect(getDeployment(ns(), 'bosun').spec.template.spec.containers[0]?.image).toBe(CRASH_IMAGE);
  });
});
