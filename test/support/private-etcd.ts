// An etcd of a test's own, to stop and restart without disturbing the shared
// control plane; with `tls`, it serves clients over TLS and asks each for a
// certificate its CA signed (etcd's --client-cert-auth).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
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

export interface EtcdTls {
  /** the CA that signed the server's certificate and every client's */
  caFile: string;
  /** the server's certificate and key (for 127.0.0.1) */
  certFile: string;
  keyFile: string;
  /** a client certificate and key, for the health check */
  client: { certFile: string; keyFile: string };
}

export async function startPrivateEtcd(opts: { tls?: EtcdTls } = {}): Promise<PrivateEtcd> {
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
    opts.tls,
  );
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${client}`;
  const tls = opts.tls;
  const healthy = tls ? () => healthOverTls(`${url}/health`, tls) : async () => (await fetch(`${url}/health`)).ok;
  const waitHealthy = () => until('private etcd /health', healthy, 30_000, () => component.tail());
  component.start();
  await waitHealthy();
  return {
    url,
    component,
    waitHealthy,
    async restart(o = {}) {
      await component.stop({ kill: o.kill });
      if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
      component.start();
      await waitHealthy();
    },
    async close() {
      await component.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function healthOverTls(url: string, tls: EtcdTls): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: readFileSync(tls.caFile),
        cert: readFileSync(tls.client.certFile),
        key: readFileSync(tls.client.keyFile),
        timeout: 5000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
