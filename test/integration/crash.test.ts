// SIGKILL the operator at random points, over and over: between a step's
// journalled intent and its tool call, between the tool call and its
// journalled result, and between the result and the status write. Every Goal
// still converges, and no side effect happens twice: each restart is counted
// by the ReplicaSet revisions its restartedAt annotation makes.
import { describe, expect, it, beforeAll } from 'vitest';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createDeployment, getDeployment, replicaSets } from '../support/workloads.js';

const RESTARTS = ['a', 'b', 'c', 'd'];
const DEPLOYS = ['e', 'f'];

describe('crash safety', () => {
  const ns = useNamespace('crash');

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
    await Promise.all([...RESTARTS, ...DEPLOYS].map((n) => createDeployment(ns(), `app-${n}`)));
  });

  it('converges after many kills at random points, with no side effect twice', async () => {
    const goals = [
      ...RESTARTS.map((n) => ({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: `restart-${n}` },
        spec: { intent: { type: 'restart', target: `deployment/app-${n}` } },
      })),
      ...DEPLOYS.map((n) => ({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: `deploy-${n}` },
        spec: { intent: { type: 'deploy-image', target: `deployment/app-${n}`, image: 'nginx:1.28' } },
      })),
    ];
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: goals }),
    });
    const phases = () =>
      kubectlOk(['get', 'goals', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}'], { namespace: ns() })
        .split('\n')
        .filter(Boolean);

    let kills = 0;
    let runs = 0;
    const deadline = Date.now() + 240_000;
    while (phases().filter((p) => p === 'Succeeded').length < goals.length) {
      expect(Date.now(), `Goals: ${phases().join(',')}`).toBeLessThan(deadline);
      runs += 1;
      let op: RunningOperator | undefined;
      try {
        op = await startOperator({
          cp: controlPlane(),
          identity: `crash-${runs}`,
          namespace: ns(),
          args: ['--leader-elect=false'],
          env: { BOSUN_FAILPOINTS: 'after-intent=0.2,after-tool=0.2,before-status=0.2' },
        });
      } catch {
        kills += 1; // died before it was ready
        continue;
      }
      const exited = await Promise.race([
        op.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8000)),
      ]);
      if (exited) kills += 1;
      else await op.stop();
    }
    console.log(`converged after ${runs} operator runs, ${kills} of them killed at a failpoint`);
    expect(kills).toBeGreaterThanOrEqual(3);

    for (const n of RESTARTS) {
      const d = getDeployment(ns(), `app-${n}`);
      expect(replicaSets(ns(), `app-${n}`), `app-${n}`).toHaveLength(2); // the original and exactly one restart
      expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    }
    for (const n of DEPLOYS) {
      expect(replicaSets(ns(), `app-${n}`), `app-${n}`).toHaveLength(2);
      expect(getDeployment(ns(), `app-${n}`).spec.template.spec.containers[0]?.image).toBe('nginx:1.28');
    }
  }, 300_000);
});
