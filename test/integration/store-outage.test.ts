// Bosun's etcd goes away under a running operator: the outage shows as a
// condition on the Goal, the operator keeps running, and nothing is lost once
// etcd is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { startPrivateEtcd, type PrivateEtcd } from '../support/private-etcd.js';

interface Status {
  phase?: string;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

describe("Bosun's etcd outage", () => {
  const ns = useNamespace('outage');
  let etcd: PrivateEtcd;
  let op: RunningOperator;
  let store: EtcdStateStore;
  const status = (name: string) =>
    JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'jsonpath={.status}'], { namespace: ns() }) || '{}') as Status;
  const ready = (name: string) => status(name).conditions?.find((c) => c.type === 'Ready');
  const apply = (name: string) =>
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name },
        spec: { intent: { type: 'restart', target: 'deployment/web' } },
      }),
    });

  beforeAll(async () => {
    etcd = await startPrivateEtcd();
    store = new EtcdStateStore({ endpoints: [etcd.url] });
    op = await startOperator({
      cp: controlPlane(),
      identity: 'outage',
      namespace: ns(),
      etcdUrl: etcd.url,
      args: ['--leader-elect=false'],
    });
  });
  afterAll(async () => {
    await op?.stop();
    await store?.close();
    await etcd?.close();
  });

  it('surfaces as StateStoreUnavailable, never a crash, and catches up afterwards', async () => {
    expect(await op.metric('bosun_leader')).toBe(1); // without leader election it leads alone
    apply('before');
    // no target exists: a reconciled Goal is Stalled (TargetNotFound)
    await until(
      'before reconciled',
      async () => status('before').phase === 'Stalled',
      30_000,
      () => op.log(),
    );

    await etcd.component.stop();
    apply('during');
    await until(
      'the outage on the Goal',
      async () => ready('during')?.reason === 'StateStoreUnavailable',
      60_000,
      () => op.log(),
    );
    expect(ready('during')?.message).toMatch(/etcd is unreachable/);
    expect(await op.metric('bosun_store_up')).toBe(0);
    expect(kubectlOk(['describe', 'goal', 'during'], { namespace: ns() })).toMatch(/Warning\s+StateStoreUnavailable/);
    expect(op.proc.exitCode).toBeNull();
    expect((await fetch(`${op.healthUrl}/healthz`)).ok).toBe(true);

    etcd.component.start();
    await etcd.waitHealthy();
    await until(
      'during reconciled once etcd is back',
      async () => status('during').phase === 'Stalled' && ready('during')?.reason === 'TargetNotFound',
      60_000,
      () => op.log(),
    );
    expect(await op.metric('bosun_store_up')).toBe(1);
    expect(await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'during' })).toMatchObject({
      status: { phase: 'Stalled' },
    });
    expect(await store.getSnapshot({ kind: 'Goal', namespace: ns(), name: 'before' })).toMatchObject({
      status: { phase: 'Stalled' },
    });
  });
});
