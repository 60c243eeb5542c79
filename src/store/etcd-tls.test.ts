import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { etcdCredentials, tlsHint, type EtcdTlsFlags } from './etcd-tls.js';

const dir = mkdtempSync(join(tmpdir(), 'bosun-etcd-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A self-signed certificate and its key, by openssl. */
function pair(name: string, newkey = ['-newkey', 'rsa:2048']): { cert: string; key: string } {
  const [cert, key] = [join(dir, `${name}.crt`), join(dir, `${name}.key`)];
  const args = ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', cert, '-days', '1'];
  execFileSync('openssl', [...args, '-subj', `/CN=${name}`], { stdio: 'pipe' });
  return { cert, key };
}
const ca = pair('ca');
const client = pair('client');
const https = { etcdEndpoints: ['https://etcd-0:2379', 'https://etcd-1:2379'] };

function configError(c: EtcdTlsFlags): string {
  try {
    etcdCredentials(c);
  } catch (err) {
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
    return String(err);
  }
  throw new Error('no error');
}

describe('etcd TLS credentials', () => {
  it('none for http://, nor for https:// with the system CAs and no client certificate', () => {
    expect(etcdCredentials({ etcdEndpoints: ['http://127.0.0.1:2379'] })).toBeUndefined();
    expect(etcdCredentials(https)).toBeUndefined();
  });

  it('the CA file verifies the server; with a certificate and its key, Bosun presents them', () => {
    expect(etcdCredentials({ ...https, etcdCaFile: ca.cert })).toEqual({ rootCertificate: readFileSync(ca.cert) });
    expect(
      etcdCredentials({ ...https, etcdCaFile: ca.cert, etcdCertFile: client.cert, etcdKeyFile: client.key }),
    ).toEqual({
      rootCertificate: readFileSync(ca.cert),
      certChain: readFileSync(client.cert),
      privateKey: readFileSync(client.key),
    });
    // an ECDSA pair, as cert-manager issues for etcd's clients
    const ec = pair('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    expect(etcdCredentials({ ...https, etcdCertFile: ec.cert, etcdKeyFile: ec.key })?.privateKey).toEqual(
      readFileSync(ec.key),
    );
    // no CA file: the system's CAs verify the server
    const system = etcdCredentials({ ...https, etcdCertFile: client.cert, etcdKeyFile: client.key });
    expect(system?.rootCertificate.toString()).toBe(rootCertificates.join('\n'));
  });

  it.each([
    [{ etcdCertFile: client.cert }, /go together/],
    [{ etcdKeyFile: client.key }, /go together/],
    [{ etcdCertFile: client.cert, etcdKeyFile: ca.key }, /is not the key of --etcd-cert-file/],
    [{ etcdCertFile: client.key, etcdKeyFile: client.key }, /--etcd-cert-file .*not a PEM certificate/],
    [{ etcdCertFile: client.cert, etcdKeyFile: client.cert }, /--etcd-key-file .*not a PEM private key/],
    [{ etcdCaFile: join(dir, 'missing.crt') }, /--etcd-ca-file .*missing\.crt.*ENOENT/],
  ])('refuses %o, naming the flag', (flags, why) => {
    expect(configError({ ...https, ...flags })).toMatch(why);
  });

  it('refuses TLS files with http:// endpoints, and a mix of http:// and https://', () => {
    expect(configError({ etcdEndpoints: ['http://127.0.0.1:2379'], etcdCaFile: ca.cert })).toMatch(/need https/);
    expect(configError({ etcdEndpoints: ['https://a:2379', 'http://b:2379'] })).toMatch(/mixes http/);
  });

  it('never puts the key in a message', () => {
    writeFileSync(
      join(dir, 'bad.key'),
      readFileSync(client.key, 'utf8').replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\n!'),
    );
    const message = configError({ ...https, etcdCertFile: client.cert, etcdKeyFile: join(dir, 'bad.key') });
    expect(message).not.toContain(readFileSync(client.key, 'utf8').split('\n')[1]);
  });

  it('a TLS refusal names the flags to check; another failure does not', () => {
    const refused = new Error('14 UNAVAILABLE: SSL routines:ssl3_read_bytes:tlsv13 alert certificate required');
    expect(tlsHint(refused)).toMatch(/--etcd-ca-file.*--etcd-cert-file/);
    expect(tlsHint(new Error('14 UNAVAILABLE: Failed to connect'))).toBe('');
  });
});
