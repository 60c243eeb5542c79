// Bosun's etcd over mutual TLS, against a real etcd started with
// --client-cert-auth: the store works with a client certificate of etcd's CA,
// is refused without one (or with one of another CA) with a coded error and
// no harm to the process, and `bosun run` takes the three flags and leads
// through that etcd.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { hasCode } from '../../src/api/errors.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { etcdCredentials, type EtcdCredentials } from '../../src/store/etcd-tls.js';
import { newCa, sign, type KeyPair } from '../../src/webhooks/certs/x509.js';
import { controlPlane, useNamespace } from '../support/cluster.js';
import { startOperator } from '../support/operator.js';
import { startPrivateEtcd, type PrivateEtcd } from '../support/private-etcd.js';

const now = Date.now();
const [notBefore, notAfter] = [new Date(now - 60_000), new Date(now + 3_600_000)];
const leaf = (ca: KeyPair, commonName: string, usage: 'server' | 'client', hosts?: string[]) =>
  sign({ commonName, usage, hosts, notBefore, notAfter }, ca);

describe("Bosun's etcd over mutual TLS", () => {
  const ns = useNamespace('etcd-mtls', { webhook: false, executor: false });
  const dir = mkdtempSync(join(tmpdir(), 'bosun-etcd-mtls-'));
  const file = (name: string, pem: string) => (writeFileSync(join(dir, name), pem), join(dir, name));
  const ca = newCa('etcd-ca', notBefore, notAfter);
  const server = leaf(ca, '127.0.0.1', 'server', ['127.0.0.1']);
  const client = leaf(ca, 'bosun', 'client');
  const stranger = leaf(newCa('another-ca', notBefore, notAfter), 'bosun', 'client');
  const files = {
    etcdCaFile: file('ca.crt', ca.cert),
    etcdCertFile: file('client.crt', client.cert),
    etcdKeyFile: file('client.key', client.key),
  };
  let etcd: PrivateEtcd;
  const stores: EtcdStateStore[] = [];
  const store = (credentials: EtcdCredentials | undefined, url = etcd.url) => {
    const s = new EtcdStateStore({ endpoints: [url], credentials, retryBudgetMs: 1500 });
    stores.push(s);
    return s;
  };
  /** The coded error a store call failed with, or 'ok'. */
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (err: unknown) => (hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE') ? 'BOSUN_ERR_STORE_UNAVAILABLE' : String(err)),
    );

  beforeAll(async () => {
    etcd = await startPrivateEtcd({
      tls: {
        caFile: files.etcdCaFile,
        certFile: file('server.crt', server.cert),
        keyFile: file('server.key', server.key),
        client: { certFile: files.etcdCertFile, keyFile: files.etcdKeyFile },
      },
    });
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await etcd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('works with a client certificate of its CA', async () => {
    expect(etcd.url).toMatch(/^https:/);
    const s = store(etcdCredentials({ etcdEndpoints: [etcd.url], ...files }));
    const ref = { kind: 'Goal', namespace: 'ns', name: 'g' };
    await s.putSnapshot(ref, { phase: 'Executing' });
    expect(await s.getSnapshot(ref)).toEqual({ phase: 'Executing' });
  });

  it('is refused without a client certificate, with one of another CA, and over http: a coded error', async () => {
    const ref = { kind: 'Goal', namespace: 'ns', name: 'g' };
    const caOnly = etcdCredentials({ etcdEndpoints: [etcd.url], etcdCaFile: files.etcdCaFile });
    expect(await outcome(store(caOnly).getSnapshot(ref))).toBe('BOSUN_ERR_STORE_UNAVAILABLE');
    const foreign = {
      etcdCertFile: file('stranger.crt', stranger.cert),
      etcdKeyFile: file('stranger.key', stranger.key),
    };
    const strangers = etcdCredentials({ etcdEndpoints: [etcd.url], etcdCaFile: files.etcdCaFile, ...foreign });
    expect(await outcome(store(strangers).getSnapshot(ref))).toBe('BOSUN_ERR_STORE_UNAVAILABLE');
    expect(await outcome(store(undefined, etcd.url.replace('https:', 'http:')).getSnapshot(ref))).toBe(
      'BOSUN_ERR_STORE_UNAVAILABLE',
    );
    // and the certificate that belongs still works, in the same process
    const s = store(etcdCredentials({ etcdEndpoints: [etcd.url], ...files }));
    expect(await s.getSnapshot(ref)).toEqual({ phase: 'Executing' });
  });

  it('bosun run takes --etcd-ca-file, --etcd-cert-file and --etcd-key-file, and leads through it', async () => {
    const op = await startOperator({
      cp: controlPlane(),
      identity: 'mtls',
      namespace: ns(),
      etcdUrl: etcd.url,
      args: [
        ...['--etcd-ca-file', files.etcdCaFile],
        ...['--etcd-cert-file', files.etcdCertFile],
        ...['--etcd-key-file', files.etcdKeyFile],
      ],
    });
    // the fencing epoch is claimed in this etcd before any controller starts
    await until(
      'the fencing epoch claimed',
      async () => (await op.metric('bosun_store_operations_total', { op: 'claimEpoch', result: 'ok' })) === 1,
      30_000,
      () => op.log(30),
    );
    await op.stop();
  });
});
