// `kubectl bosun` for Remediations, run as people run it (kubectl finds the plugin on PATH) against a
// Remediation that healed on the real control plane: bob finds its Approval among those waiting for him,
// reads it and approves it; alice, a viewer, lists the Remediations and reads the story of the heal; bob,
// who may read the Remediation but not the namespace's Events, reads the same story with the Events named
// as not shown. The pods are OOM-killed by a KWOK stage (hack/control-plane/kwok-stages/pod-oom-killed.yaml).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { kubectlBosun } from '../support/plugin.js';
import { applyRemediation, waitRemediation } from '../support/remediations.js';
import { HUNGRY_IMAGE, HUNGRY_MEMORY_LIMIT, applyDeployment, getDeployment } from '../support/workloads.js';

interface PodList {
  items: { status?: { containerStatuses?: { lastState?: { terminated?: { reason?: string } } }[] } }[];
}

describe('kubectl bosun, for a Remediation that healed', { timeout: 240_000 }, () => {
  const ns = useNamespace('heal-cli');
  let op: RunningOperator;
  let approval = '';
  const more = () => op.log(40);
  const ok = (res: ReturnType<typeof kubectlBosun>) => {
    expect(res.code, res.stderr).toBe(0);
    return res.stdout;
  };

  beforeAll(async () => {
    // a medium-risk heal (more memory) waits for bob; verification is short
    applyRiskPolicy(ns(), 'default', {
      levels: { medium: 'approve' },
      approvers: { users: ['bob'] },
      heal: { verifySeconds: 3, maxMemory: '128Mi' },
    });
    kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'alice-views', '--clusterrole=bosun-viewer', '--user=alice'], {
      namespace: ns(),
    });
    applyDeployment(ns(), 'cache', { image: HUNGRY_IMAGE, memoryLimit: HUNGRY_MEMORY_LIMIT });
    await until(
      'cache pods OOM-killed',
      async () =>
        (
          JSON.parse(kubectlOk(['get', 'pods', '-l', 'app=cache', '-o', 'json'], { namespace: ns() })) as PodList
        ).items.some((p) => p.status?.containerStatuses?.some((c) => c.lastState?.terminated?.reason === 'OOMKilled')),
      60_000,
    );
    op = await startOperator({ cp: controlPlane(), identity: 'heal-cli', namespace: ns() });
    applyRemediation(ns(), 'cache-oom', 'cache');
    const held = await waitRemediation(ns(), 'cache-oom', 'AwaitingApproval', more);
    approval = held.status?.approvalRef ?? '';
  });
  afterAll(async () => {
    await op?.stop();
  });

  it("lists the Remediation's Approval among those waiting for bob, naming its kind", () => {
    const out = ok(kubectlBosun('bob', ['list', '-n', ns()]));
    expect(out).toMatch(/^NAMESPACE\s+NAME\s+SUBJECT\s+KIND\s+RISK\s+APPROVALS\s+EXPIRES$/m);
    expect(out).toMatch(new RegExp(`^${ns()}\\s+${approval}\\s+cache-oom\\s+Remediation\\s+medium\\s+0/1\\s`, 'm'));
  });

  it('describes the Approval with the params the heal runs with, read from the Remediation', () => {
    const out = ok(kubectlBosun('bob', ['describe', approval, '-n', ns()]));
    expect(out).toContain(`Approval ${ns()}/${approval} for Remediation cache-oom: Pending`);
    expect(out).toMatch(/1\. k8s\.set-memory \[risk medium\]\n\s+params: \{"container":"app","limit":"48Mi",/);
  });

  it('approves it as bob; the heal runs, holds through verification and ends Healed', async () => {
    const out = ok(kubectlBosun('bob', ['approve', approval, '-n', ns(), '-m', 'more memory is fine']));
    expect(out).toBe(`approved ${approval} as bob\n`);
    const healed = await waitRemediation(ns(), 'cache-oom', 'Healed', more);
    expect(healed.status?.verification?.result).toBe('Passed');
    expect(getDeployment(ns(), 'cache').spec.template.spec.containers[0]?.resources?.limits?.memory).toBe('48Mi');
  });

  it('lists Remediations beside Goals: phase, target, source, occurrences and age', () => {
    const out = ok(kubectlBosun('alice', ['list', 'goals,remediations', '-n', ns()]));
    const [goals, remediations] = out.split('\n\n');
    expect(goals).toBe(`no Goals in namespace ${ns()}`);
    expect(remediations).toMatch(/^NAME\s+PHASE\s+TARGET\s+SOURCE\s+OCCURRENCES\s+AGE\n/);
    expect(remediations).toMatch(/^cache-oom\s+Healed\s+deployment\/cache\s+manual\s+1\s+\d+[smh]$/m);
  });

  it('describes the Remediation: the issue, diagnosis, plan, decisions, verification, heals tried and Events', () => {
    const out = ok(kubectlBosun('alice', ['describe', 'remediation', 'cache-oom', '-n', ns()]));
    const lines = out.split('\n');
    expect(lines[0]).toBe(`Remediation ${ns()}/cache-oom: Healed`);
    expect(out).toContain('Issue: cache is failing');
    expect(out).toContain('Requested by: admin');
    expect(out).toContain('Diagnosis: OOMKilled');
    expect(out).toMatch(/ {2}hypothesis: Container app of deployment\/cache was killed for using more memory/);
    expect(out).toMatch(/^ {2}evidence:$/m);
    expect(out).toMatch(/^Plan: playbook raise-memory, risk medium/m);
    expect(out).toMatch(/^ {2}1\. k8s\.set-memory \[risk medium\] Succeeded, attempt 1, /m);
    expect(out).toMatch(/^ {7}params: \{"container":"app","limit":"48Mi","target":"deployment\/cache"\}$/m);
    expect(out).toMatch(new RegExp(`^Approval ${approval}: Approved, 1/1 approvals`, 'm'));
    expect(out).toMatch(/^ {2}\S+ bob: approve \(more memory is fine\)$/m);
    expect(out).toMatch(/^Verification: Passed \(window /m);
    expect(out).toMatch(/^ {2}\S+ raise-memory: Healed$/m);
    expect(out).toContain('Ticket: none');
    const events = lines.slice(lines.findIndex((l) => l.startsWith('Events (the last')));
    for (const reason of ['Diagnosed', 'ApprovalRequested', 'Approved', 'StepSucceeded', 'Healed'])
      expect(events.join('\n')).toMatch(new RegExp(`^ {2}\\S+\\s+Normal\\s+${reason}\\s`, 'm'));
  });

  it('names what the reader may not read (bob may not read Events) instead of failing', () => {
    const out = ok(kubectlBosun('bob', ['describe', 'remediation', 'cache-oom', '-n', ns()]));
    expect(out).toContain('Diagnosis: OOMKilled');
    expect(out).toMatch(/^Events: not shown \(.*forbidden/m);
  });

  it("reads the Remediation's action log from Bosun's etcd", () => {
    const out = ok(
      kubectlBosun('alice', ['logs', 'remediation', 'cache-oom', '-n', ns(), '-o', 'json'], {
        BOSUN_ETCD_ENDPOINTS: controlPlane().bosunEtcdUrl,
      }),
    );
    const actions = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(expect.arrayContaining(['Diagnosed', 'ToolCall', 'Healed']));
  });
});
