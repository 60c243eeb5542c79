// A watch that goes silent (a network that drops traffic without closing the
// connection) is detected and restarted, and nothing is missed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { goalResource } from '../../src/controllers/goal/reconciler.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { Informer } from '../../src/runtime/informer.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { controlPlane, kubectlOk, useNamespace } from '../support/cluster.js';
import { startProxy, type FreezableProxy } from '../support/tcp-proxy.js';

const goal = (name: string) =>
  JSON.stringify({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Goal',
    metadata: { name },
    spec: { intent: { type: 'restart', target: 'deployment/web' } },
  });

describe('informer stall detection', () => {
  const ns = useNamespace('stall');
  let proxy: FreezableProxy;
  let rest: KubeRest;
  let informer: Informer;
  const restarts: string[] = [];

  beforeAll(async () => {
    const server = new URL(controlPlane().server);
    proxy = await startProxy(server.hostname, Number(server.port));
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'bosun-stall-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      readFileSync(controlPlane().kubeconfigs.operator, 'utf8').replace(
        server.origin,
        `https://127.0.0.1:${proxy.port}`,
      ),
    );
    rest = KubeRest.load(kubeconfig);
    informer = new Informer({
      client: new KubeClient(rest, 'test'),
      resource: goalResource,
      namespace: ns(),
      log: createLogger({ level: 'silent' }),
      // a 2 s server-side watch timeout and 1 s of grace: silence past 3 s is a stall
      watchTimeoutSeconds: [2, 2],
      stallGraceMs: 1000,
      observer: { watchRestart: (reason) => void restarts.push(reason), relist: () => {}, cached: () => {} },
    });
    informer.start();
    await informer.waitForSync();
  });
  afterAll(async () => {
    await informer?.stop();
    rest?.close();
    await proxy?.close();
  });

  it('restarts a silent watch and catches up once traffic flows again', async () => {
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goal('before') });
    await until('the informer sees "before"', async () => informer.get(ns(), 'before') !== undefined, 10_000);

    proxy.freeze();
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: goal('while-silent') }); // straight to the API server
    await until('a stall detected', async () => restarts.includes('stall'), 15_000);
    expect(informer.get(ns(), 'while-silent')).toBeUndefined(); // it really could not see anything
    proxy.thaw();

    await until(
      'the informer sees "while-silent"',
      async () => informer.get(ns(), 'while-silent') !== undefined,
      15_000,
    );
  });
});
