// The admission server's certificate: none yet (no connection answered), then
// one, then a rotated one, each served without a restart.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../telemetry/logger.js';
import { dirCertSource, servingCert, type CertSource, type ServingCert } from './certs/sources.js';
import { newCa, sign, type KeyPair } from './certs/x509.js';
import { startAdmissionServer } from './server.js';

const log = createLogger({ level: 'silent' });
const now = Date.now();
const ca = newCa('test-ca', new Date(now - 60_000), new Date(now + 86_400_000));
const leaf = () =>
  sign(
    {
      commonName: '127.0.0.1',
      hosts: ['127.0.0.1'],
      usage: 'server',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 3_600_000),
    },
    ca,
  );
const fingerprint = (pair: KeyPair) => new X509Certificate(pair.cert).fingerprint256;

/** The fingerprint of the certificate the server at `port` presents, verified against the CA. */
const served = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: ca.cert }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.end();
    });
    socket.on('error', reject);
  });

async function eventually<T>(what: () => T | Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await what();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A source the test sets by hand. */
function manual(): CertSource & { set(c: ServingCert): void } {
  let cert: ServingCert | undefined;
  const fns: ((c: ServingCert) => void)[] = [];
  return {
    current: () => cert,
    onChange: (fn) => void fns.push(fn),
    stop: () => {},
    set: (c) => ((cert = c), fns.forEach((fn) => fn(c))),
  };
}

const common = { addr: '127.0.0.1:0', operatorUser: 'bosun', decisions: { recordDecision: async () => {} }, log };

describe('the admission server certificate', () => {
  it('answers no connection before it has a certificate, then serves each new one without a restart', async () => {
    const certs = manual();
    const server = await startAdmissionServer({ ...common, certs });
    try {
      await expect(served(server.port)).rejects.toThrow(/socket|ECONNRESET|disconnected/i);
      const first = leaf();
      certs.set(servingCert(first.cert, first.key));
      expect(await served(server.port)).toBe(fingerprint(first));
      const second = leaf();
      certs.set(servingCert(second.cert, second.key));
      expect(await served(server.port)).toBe(fingerprint(second));
    } finally {
      await server.close();
    }
  });

  describe('from a folder (a mounted Secret)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-cert-dir-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // as the kubelet does: the files live in a timestamped folder that ..data points to
    const publish = (pair: KeyPair, version: string) => {
      mkdirSync(join(dir, version));
      writeFileSync(join(dir, version, 'tls.crt'), pair.cert);
      writeFileSync(join(dir, version, 'tls.key'), pair.key);
      symlinkSync(version, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };

    it('reads tls.crt and tls.key at start, and again when the link is swapped', async () => {
      const first = leaf();
      publish(first, '..v1');
      symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
      symlinkSync('..data/tls.key', join(dir, 'tls.key'));
      const certs = dirCertSource(dir, log, 20);
      const server = await startAdmissionServer({ ...common, certs });
      try {
        expect(await served(server.port)).toBe(fingerprint(first));
        const second = leaf();
        publish(second, '..v2');
        expect(
          await eventually(
            () => served(server.port),
            (f) => f === fingerprint(second),
          ),
        ).toBe(fingerprint(second));
        expect(certs.current()?.info.fingerprint).toBe(fingerprint(second));
      } finally {
        certs.stop();
        await server.close();
      }
    });

    it('keeps the certificate it has while the files are unusable, and says so', async () => {
      const lines: string[] = [];
      const destination = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) });
      const certs = dirCertSource(dir, createLogger({ level: 'info', destination }), 20);
      const before = certs.current()?.info.fingerprint;
      const other = leaf();
      writeFileSync(join(dir, '..v2', 'tls.key'), other.key); // a key that is not the certificate's
      await eventually(
        () => lines.filter((l) => l.includes('could not reload')).length,
        (n) => n > 0,
      );
      expect(certs.current()?.info.fingerprint).toBe(before);
      expect(lines.join('')).not.toContain('PRIVATE KEY');
      certs.stop();
    });

    it('refuses a folder without a usable pair at start, naming the flag', () => {
      expect(() => dirCertSource(join(dir, 'nothing'), log)).toThrow(/BOSUN_ERR_CONFIG.*--webhook-cert-dir/);
    });
  });
});
