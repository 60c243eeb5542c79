// A concurrent writer changes a Goal while it is being reconciled: the status
// write conflicts (resourceVersion precondition), is retried from fresh state,
// and neither writer's change is lost. The reconciler runs in-process here so
// the test can step in between its gather and act steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { hasCode } from '../../src/api/errors.js';
import { GoalAgent } from '../../src/agents/goal/agent.js';
import { goalReconciler, goalResource } from '../../src/controllers/goal/reconciler.js';
import { DiscoveryMapper } from '../../src/kube/discovery.js';
import { ExecutorCredentials } from '../../src/kube/executor-credentials.js';
import { KubeClient } from '../../src/kube/client.js';
import type { EventRecorder } from '../../src/kube/events.js';
import { KubeRest } from '../../src/kube/rest.js';
import { Informer } from '../../src/runtime/informer.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { createLogger, SecretMasker } from '../../src/telemetry/logger.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';

describe('status write conflicts', () => {
  const ns = useNamespace('conflict');
  const log = createLogger({ level: 'silent' });
  let rest: KubeRest;
  let informer: Informer;
  let store: EtcdStateStore;

  beforeAll(async () => {
    rest = KubeRest.load(controlPlane().kubeconfigs.operator);
    informer = new Informer({ client: new KubeClient(rest, 'test'), resource: goalResource, namespace: ns(), log });
    informer.start();
    await informer.waitForSync();
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
  });
  afterAll(async () => {
    await informer?.stop();
    await store?.close();
    rest?.close();
  });

  it("retries after a conflict and keeps both writers' changes", async () => {
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: 'contested' },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas: 2 } },
      }),
    });
    const key = `${ns()}/contested`;
    const rv = () => informer.getByKey(key)?.metadata.resourceVersion;
    await until('the informer sees the Goal', async () => rv() !== undefined, 10_000);

    let interfere = false;
    const events: EventRecorder = { event: async () => {} };
    const client = new KubeClient(rest, 'bosun-goal-controller');
    const reconcile = goalReconciler({
      cache: informer,
      client,
      executors: new ExecutorCredentials({ client }),
      mapper: new DiscoveryMapper(client),
      store,
      events,
      log,
      secrets: new SecretMasker(),
      now: () => new Date(),
      agent: new GoalAgent(),
      policies: { get: () => undefined },
      approvals: { get: () => undefined, byOwner: () => [] },
      operatorNamespace: 'bosun-system',
      fence: () => true,
      afterGather: async () => {
        if (!interfere) return;
        interfere = false;
        // another writer: a person changes the spec and a tool adds a label, between our read and our write
        kubectlOk(
          [
            'patch',
            'goal',
            'contested',
            '--type=merge',
            '-p',
            '{"metadata":{"labels":{"team":"payments"}},"spec":{"intent":{"replicas":5}}}',
          ],
          { namespace: ns() },
        );
      },
    });

    // first pass only adds the finalizer
    const before = rv();
    await reconcile(key);
    await until('the finalizer reaches the cache', async () => rv() !== before, 10_000);

    interfere = true;
    const conflict = await reconcile(key).catch((e: unknown) => e);
    expect(hasCode(conflict, 'BOSUN_ERR_KUBE_CONFLICT')).toBe(true);

    // the controller retries (with backoff) once the cache has the other writer's change
    await until(
      'the cache catches up',
      async () => informer.getByKey(key)?.metadata.labels?.team === 'payments',
      10_000,
    );
    // as the controller would: retry (a conflict too) once the cache has caught up. The first retry brings the
    // status up to what Bosun recorded before the conflict; a later one plans the new spec
    await until(
      'the retries to settle on generation 2',
      async () => {
        const err = await reconcile(key).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err && !hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err;
        const status = informer.getByKey(key)?.status as { observedGeneration?: number } | undefined;
        return status?.observedGeneration === 2;
      },
      20_000,
    );

    const goal = JSON.parse(kubectlOk(['get', 'goal', 'contested', '-o', 'json'], { namespace: ns() })) as {
      metadata: { generation: number; labels: Record<string, string>; finalizers: string[] };
      spec: { intent: { replicas: number } };
      status: { phase: string; observedGeneration: number };
    };
    expect(goal.metadata.labels.team).toBe('payments'); // the other writer's change
    expect(goal.spec.intent.replicas).toBe(5);
    expect(goal.metadata.finalizers).toContain('bosun.dev/cleanup');
    expect(goal.status).toMatchObject({ phase: 'Stalled', observedGeneration: goal.metadata.generation }); // ours (no deployment/web here: TargetNotFound), computed from the new spec
    expect(goal.metadata.generation).toBe(2);
  });
});
