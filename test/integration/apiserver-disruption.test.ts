// The informer under API-server disruption, on a control plane of this file's
// own: a restart under a running operator, and 410 Gone after the watch cache
// is lost and etcd compacted while the operator was frozen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../hack/control-plane/control-plane.js';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { kubectlOk } from '../support/cluster.js';
import { installBosun } from '../support/install.js';
import { startOperator, type RunningOperator } from '../support/operator.js';

const NS = 'disruption';

describe('API server disruption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-disruption-'));
  let cp: ControlPlane;
  let op: RunningOperator;
  let store: EtcdStateStore;
  const k = (args: string[], input?: string) =>
    kubectlOk(args, { kubeconfig: cp.info.kubeconfigs.admin, namespace: NS, input });
  const apply = (name: string) =>
    k(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name },
        spec: { intent: { type: 'restart', target: 'deployment/web' } },
      }),
    );
  const phase = (name: string) => k(['get', 'goal', name, '-o', 'jsonpath={.status.phase}']);
  // the target does not exist: a reconciled Goal is Stalled (TargetNotFound)
  const reconciled = (name: string) =>
    until(
      `${name} reconciled`,
      async () => phase(name) === 'Stalled',
      60_000,
      () => op.log(),
    );

  beforeAll(async () => {
    cp = await startControlPlane({ dir });
    installBosun(cp.info.kubeconfigs.admin);
    kubectlOk(['create', 'namespace', NS], { kubeconfig: cp.info.kubeconfigs.admin });
    store = new EtcdStateStore({ endpoints: [cp.info.bosunEtcdUrl] });
    // leader election off: this file is about the informer, and a long outage would (rightly) cost the lease
    op = await startOperator({ cp: cp.info, identity: 'disruption', namespace: NS, args: ['--leader-elect=false'] });
  });
  afterAll(async () => {
    await op?.kill();
    await store?.close();
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recovers from an API server restart and reconciles a Goal created as it comes back', async () => {
    apply('before');
    await reconciled('before');
    const restarts = await op.metric('bosun_informer_watch_restarts_total', { resource: 'goals' });
    await cp.restartApiserver({ downMs: 3000 });
    apply('during'); // while the operator's watch is still down, backing off
    await reconciled('during');
    expect(await op.metric('bosun_informer_watch_restarts_total', { resource: 'goals' })).toBeGreaterThan(restarts);
    expect(op.proc.exitCode).toBeNull();
  });

  it('relists on 410 Gone: misses nothing and observes deletions', async () => {
    apply('kept');
    apply('removed');
    await reconciled('kept');
    await reconciled('removed');
    expect(await store.getSnapshot({ kind: 'Goal', namespace: NS, name: 'removed' })).toBeDefined();
    const relists = await op.metric('bosun_informer_relists_total', { resource: 'goals' });
    const gone = await op.metric('bosun_informer_watch_restarts_total', { resource: 'goals', reason: 'gone' });

    op.proc.kill('SIGSTOP'); // the operator sees nothing from here
    try {
      apply('created-while-away');
      // deleted for good while nobody watched: no finalizer left to hold it
      k(['patch', 'goal', 'removed', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      k(['delete', 'goal', 'removed', '--wait=true']);
      // lose the watch cache and the history behind it
      await cp.restartApiserver();
      const etcd = new Etcd3({ hosts: cp.info.etcdUrl });
      const { header } = await etcd.get('/').exec();
      await etcd.kv.compact({ revision: header.revision });
      etcd.close();
    } finally {
      op.proc.kill('SIGCONT');
    }

    await reconciled('created-while-away');
    await until(
      'the deletion observed (snapshot removed)',
      async () => (await store.getSnapshot({ kind: 'Goal', namespace: NS, name: 'removed' })) === undefined,
      60_000,
      () => op.log(),
    );
    expect(
      await op.metric('bosun_informer_watch_restarts_total', { resource: 'goals', reason: 'gone' }),
    ).toBeGreaterThan(gone);
    expect(await op.metric('bosun_informer_relists_total', { resource: 'goals' })).toBeGreaterThan(relists);
    expect(phase('kept')).toBe('Stalled');
  });
});
