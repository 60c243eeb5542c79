// A leader frozen (SIGSTOP) at each failpoint of a step for longer than its
// lease: a standby takes over and finishes the Goal (rolling back a failed
// deploy), then stops; the frozen replica is resumed. It must send nothing:
// no write request in the API server's audit log and no put in Bosun's etcd
// from the moment it resumes until it exits, and the Deployment ends as the
// Goal's status says.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { auditEvents, controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyGoal, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment, replicaSets } from '../support/workloads.js';

const LEASE = ['--lease-duration-seconds', '4', '--renew-deadline-seconds', '3', '--retry-period-seconds', '1'];
const MUTATING = new Set(['create', 'update', 'patch', 'delete']);

/** The process is stopped (SIGSTOP): state T in /proc. */
const frozen = (op: RunningOperator) => readFileSync(`/proc/${op.proc.pid}/stat`, 'utf8').split(' ')[2] === 'T';

interface Case {
  failpoint: 'after-intent' | 'after-tool' | 'before-status';
  app: string;
  intent: Record<string, unknown>;
  phase: 'Succeeded' | 'Failed';
  /** what the Deployment must look like at the end, as the Goal's status says */
  check: (app: string) => void;
}

const restarted = (app: string) => {
  const d = getDeployment(ns(), app);
  expect(d.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined();
  // one restart, however many replicas tried: revision 2, two ReplicaSets
  expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  expect(replicaSets(ns(), app)).toHaveLength(2);
};

const ns = useNamespace('paused');

const cases: Case[] = [
  { failpoint: 'after-intent', app: 'web-a', intent: { type: 'restart' }, phase: 'Succeeded', check: restarted },
  { failpoint: 'after-tool', app: 'web-b', intent: { type: 'restart' }, phase: 'Succeeded', check: restarted },
  { failpoint: 'before-status', app: 'web-c', intent: { type: 'restart' }, phase: 'Succeeded', check: restarted },
  {
    failpoint: 'after-tool',
    app: 'web-d',
    intent: { type: 'deploy-image', image: 'registry.bosun.test/never-ready:1' },
    phase: 'Failed',
    check: (app) => {
      // the new leader rolled the failed deploy back; the stale replica did not undo that
      expect(getDeployment(ns(), app).spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    },
  },
];

describe('a paused leader never acts', () => {
  let store: EtcdStateStore;
  const figures: string[] = [];

  beforeAll(async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'RiskPolicy',
        metadata: { name: 'default' },
        spec: { levels: { medium: 'auto' }, approvers: { users: ['bob'] } },
      }),
    });
    await Promise.all(cases.map((c) => createDeployment(ns(), c.app, { progressDeadlineSeconds: 10 })));
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
  });
  afterAll(async () => {
    console.log(figures.join('\n'));
    await store?.close();
  });

  it.each(cases)(
    'frozen at $failpoint ($app, $intent.type): after resuming it writes nothing; the Goal ends $phase',
    async ({ failpoint, app, intent, phase, check }) => {
      const name = `${app}-${failpoint}`;
      const stale = await startOperator({
        cp: controlPlane(),
        identity: `stale-${name}`,
        namespace: ns(),
        args: LEASE,
        env: { BOSUN_FAILPOINTS: `${failpoint}=stop` },
      });
      const next = await startOperator({
        cp: controlPlane(),
        identity: `next-${name}`,
        namespace: ns(),
        args: LEASE,
        waitForLeader: false,
      });
      applyGoal(ns(), name, { intent: { ...intent, target: `deployment/${app}` } });
      await until(
        `${stale.identity} frozen at ${failpoint}`,
        async () => frozen(stale),
        60_000,
        () => stale.log(),
      );
      const frozenAt = Date.now();
      await until(`${next.identity} to lead`, async () => (await next.metric('bosun_leader')) === 1, 30_000);
      await waitPhase(ns(), name, phase, () => next.log(40), 120_000);
      expect(await next.stop()).toBe(0); // releases the lease: nothing but the stale replica runs now

      const puts: string[] = [];
      const watch = await store.watchPrefix('', (key) => puts.push(key));
      const resumedAt = Date.now();
      stale.proc.kill('SIGCONT');
      const code = await Promise.race([
        stale.exited,
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000)),
      ]);
      const exitedAt = Date.now();
      await new Promise((r) => setTimeout(r, 500)); // let the audit log and the watch catch up
      await watch.close();

      // every request of a replica, its tools' too, carries its identity in the User-Agent
      const byStale = auditEvents(
        (e) => MUTATING.has(e.verb) && new RegExp(`^bosun/${stale.identity}( |$)`).test(e.userAgent ?? ''),
      );
      expect(byStale.length).toBeGreaterThan(0); // it did write before it froze
      const writes = byStale.filter((e) => Date.parse(e.requestReceivedTimestamp) >= frozenAt);
      const fenced = (readFileSync(stale.logPath, 'utf8').match(/BOSUN_ERR_NOT_LEADER/g) ?? []).length;
      figures.push(
        `${failpoint.padEnd(14)} ${app}: frozen ${Math.round((resumedAt - frozenAt) / 1000)} s; exited ${exitedAt - resumedAt} ms after SIGCONT (code ${code}); ` +
          `${fenced} log lines with BOSUN_ERR_NOT_LEADER; ${writes.length} API writes, ${puts.length} etcd puts after resuming`,
      );
      expect(writes.map((e) => `${e.verb} ${e.requestURI} ${e.userAgent}`)).toEqual([]);
      expect(puts).toEqual([]);
      expect(code).toBe(1); // it gave leadership up and exited to restart clean
      expect(fenced).toBeGreaterThan(0); // its pending write met the fence
      check(app);
    },
    240_000,
  );
});
