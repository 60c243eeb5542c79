// An etcd of a test's own, to stop and restart without disturbing the shared
// control plane.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdComponent } from '../../hack/control-plane/control-plane.js';
import type { Component } from '../../hack/control-plane/component.js';
import { freePort, until } from '../../hack/control-plane/wait.js';

export interface PrivateEtcd {
  url: string;
  component: Component;
  waitHealthy(): Promise<void>;
  /** stop (SIGKILL with kill: true), and start again on the same port and data */
  restart(opts?: { downMs?: number; kill?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateEtcd(): Promise<PrivateEtcd> {
  const bin = process.env.BOSUN_BIN_DIR;
  if (!bin) throw new Error('BOSUN_BIN_DIR is not set: run the tests with hack/test.sh');
  const dir = mkdtempSync(join(tmpdir(), 'bosun-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const component = etcdComponent(
    'private-etcd',
    join(bin, 'etcd'),
    join(dir, 'data'),
    client,
    peer,
    join(dir, 'etcd.log'),
  );
  const url = `http://127.0.0.1:${client}`;
  const waitHealthy = () =>
    until(
      'private etcd /health',
      async () => (await fetch(`${url}/health`)).ok,
      30_000,
      () => component.tail(),
    );
  component.start();
  await waitHealthy();
  return {
    url,
    component,
    waitHealthy,
    async restart(opts = {}) {
      await component.stop({ kill: opts.kill });
      if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      component.start();
      await waitHealthy();
    },
    async close() {
      await component.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
