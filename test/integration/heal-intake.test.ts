// Issues that come in by themselves: failing pods (the pod-state watcher, in a
// namespace labelled bosun.dev/heal=enabled) and alerts (a REAL Alertmanager
// posting to the operator's /alertmanager). Pods fail by KWOK stages: there is
// no kubelet (registry.bosun.test/crash:1 crash-loops).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { remediationName } from '../../src/controllers/remediation/intake.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { startAlertmanager, type Alertmanager } from '../support/alertmanager.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, applyRiskPolicy, approveAs, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { getRemediation, waitRemediation } from '../support/remediations.js';
import { makeWebhookCerts } from '../support/webhook.js';
import {
  CRASH_IMAGE,
  applyDeployment,
  createDeployment,
  deploymentManifest,
  getDeployment,
} from '../support/workloads.js';

const TOKEN = 'heal-intake-token-5d1f0b7e93a2c468';
const HEALER = 'system:serviceaccount:bosun-system:bosun-healer';

describe('issues that open Remediations by themselves', { timeout: 300_000 }, () => {
  const watched = useNamespace('heal-pods');
  const alerted = useNamespace('heal-alerts');
  const certs = makeWebhookCerts();
  let op: RunningOperator;
  let alertmanager: Alertmanager;
  let store: EtcdStateStore;
  const more = () => `${op.log(40)}\n${alertmanager?.tail() ?? ''}`;

  beforeAll(async () => {
    for (const ns of [watched(), alerted()]) {
      // the heals of issues that come in run on the healer's rights, granted here by the namespace's admin
      kubectlOk(
        [
          'create',
          'rolebinding',
          'bosun-healer',
          '--clusterrole=bosun-healer',
          `--serviceaccount=${HEALER.split(':').slice(2).join(':')}`,
        ],
        {
          namespace: ns,
        },
      );
      kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
        namespace: ns,
      });
    }
    applyRiskPolicy(watched(), 'default', {
      levels: { medium: 'auto' },
      approvers: { users: ['bob'] },
      heal: { verifySeconds: 3 },
    });
    // alert heals wait for bob here, so that the alert can fire twice before anything runs
    applyRiskPolicy(alerted(), 'default', { approvers: { users: ['bob'] }, heal: { verifySeconds: 3 } });
    kubectlOk(['label', 'namespace', watched(), 'bosun.dev/heal=enabled']);
    kubectl(['delete', 'secret', 'bosun-alert-intake', '-n', 'bosun-system', '--ignore-not-found']);
    kubectlOk([
      'create',
      'secret',
      'generic',
      'bosun-alert-intake',
      '-n',
      'bosun-system',
      `--from-literal=alertmanager=${TOKEN}`,
    ]);
    await Promise.all([createDeployment(watched(), 'web'), createDeployment(alerted(), 'api')]);
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    const port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'heal-intake',
      args: [
        '--webhook-addr',
        `127.0.0.1:${port}`,
        '--webhook-cert-dir',
        certs.dir,
        '--alert-intake-secret',
        'bosun-alert-intake',
      ],
    });
    alertmanager = await startAlertmanager({
      webhookUrl: `https://127.0.0.1:${port}/alertmanager`,
      token: TOKEN,
      caPem: readFileSync(join(certs.dir, 'ca.crt'), 'utf8'),
    });
  });
  afterAll(async () => {
    await alertmanager?.stop();
    await op?.stop();
    await store?.close();
    kubectl(['delete', 'secret', 'bosun-alert-intake', '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('a bad image a Goal rolled out: the pod-state watcher opens a Remediation that rolls it back and is Healed', async () => {
    applyGoal(watched(), 'ship-web', {
      intent: { type: 'apply', manifest: deploymentManifest('web', { image: CRASH_IMAGE }) },
    });
    await waitPhase(watched(), 'ship-web', 'Succeeded', more);
    const name = remediationName('web', 'pod-state/Deployment/web/CrashLoop');
    await until(
      'the watcher to open a Remediation',
      async () => kubectl(['get', 'remediation', name], { namespace: watched() }).code === 0,
      60_000,
      more,
    );
    const healed = await waitRemediation(watched(), name, 'Healed', more);
    expect(healed.spec.requester?.username).toBe(HEALER); // never Bosun's own
    expect(healed.status?.diagnosis?.hypothesis).toMatch(/ship-web/);
    expect(healed.status?.heals?.map((h) => h.playbook)).toEqual(['rollback']);
    expect(getDeployment(watched(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    // the action log links the two: the Goal's change, the Remediation's diagnosis naming it
    const log: { action: string; detail: Record<string, unknown> }[] = [];
    for await (const line of store.exportActions({ kind: 'Remediation', namespace: watched(), name }))
      log.push(JSON.parse(line));
    expect(JSON.stringify(log.find((a) => a.action === 'Diagnosed'))).toMatch(/ship-web/);
  });

  it('an alert through Alertmanager: two firings make one Remediation with 2 occurrences; the resolved alert closes the loop', async () => {
    applyDeployment(alerted(), 'api', { image: CRASH_IMAGE });
    const alert = {
      labels: { alertname: 'KubePodCrashLooping', namespace: alerted(), deployment: 'api', severity: 'warning' },
      annotations: { summary: 'api is crash looping' },
    };
    const first = new Date(Date.now() - 60_000);
    await alertmanager.post([{ ...alert, startsAt: first }]);
    let name = '';
    await until(
      'a Remediation from the alert',
      async () => {
        const items = JSON.parse(kubectlOk(['get', 'remediations', '-o', 'json'], { namespace: alerted() })).items as {
          metadata: { name: string };
        }[];
        name = items[0]?.metadata.name ?? '';
        return name !== '';
      },
      60_000,
      more,
    );
    const held = await waitRemediation(alerted(), name, 'AwaitingApproval', more);
    expect(held.status?.occurrences).toBe(1);

    await alertmanager.resolve([{ ...alert, startsAt: first }]);
    await until('the resolution', async () => !!getRemediation(alerted(), name).status?.resolvedAt, 60_000, more);
    const second = new Date();
    await alertmanager.post([{ ...alert, startsAt: second }]);
    await until(
      'the second firing',
      async () => getRemediation(alerted(), name).status?.occurrences === 2,
      60_000,
      more,
    );
    expect(JSON.parse(kubectlOk(['get', 'remediations', '-o', 'json'], { namespace: alerted() })).items).toHaveLength(
      1,
    );

    const approval = getRemediation(alerted(), name).status?.approvalRef ?? '';
    const approved = approveAs(alerted(), approval, 'bob');
    expect(approved.code, approved.stderr).toBe(0);
    // healed on the target's side, the Remediation waits in Verifying until the alert resolves
    await waitRemediation(alerted(), name, 'Verifying', more);
    await until(
      'api rolled back',
      async () => getDeployment(alerted(), 'api').spec.template.spec.containers[0]?.image === 'nginx:1.27',
      60_000,
      more,
    );
    await alertmanager.resolve([{ ...alert, startsAt: second }]);
    const healed = await waitRemediation(alerted(), name, 'Healed', more);
    expect(healed.status?.occurrences).toBe(2);
    expect(healed.status?.verification?.result).toBe('Passed');
  });
});
