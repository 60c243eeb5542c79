import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../../api/errors.js';
import { certInfo, issuedBy, keyMatches, newCa, sign, splitPem } from './x509.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const t0 = new Date('2030-01-01T00:00:00Z');
const t1 = new Date('2031-01-01T00:00:00Z');
const now = Date.now();

describe('certificates', () => {
  const ca = newCa('bosun-webhook-ca-1', t0, new Date('2040-01-01T00:00:00Z'));
  const hosts = ['bosun-webhook.bosun-system.svc', 'bosun-webhook.bosun-system.svc.cluster.local', '127.0.0.1'];
  const server = sign({ commonName: hosts[0] ?? '', hosts, usage: 'server', notBefore: t0, notAfter: t1 }, ca);

  it('a CA: CA:true, may sign, self-signed, with the validity asked for', () => {
    const x = new X509Certificate(ca.cert);
    expect(x.ca).toBe(true);
    expect(x.subject).toBe('CN=bosun-webhook-ca-1');
    expect(x.checkIssued(x)).toBe(true);
    expect(certInfo(ca.cert)).toMatchObject({ isCa: true, notBefore: t0.getTime(), hosts: [] });
    expect(keyMatches(ca.cert, ca.key)).toBe(true);
  });

  it('a serving certificate: not a CA, serverAuth only, the hosts as SANs (DNS and IP), signed by the CA', () => {
    const x = new X509Certificate(server.cert);
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual([SERVER_AUTH]);
    expect(x.subjectAltName).toBe(
      'DNS:bosun-webhook.bosun-system.svc, DNS:bosun-webhook.bosun-system.svc.cluster.local, IP Address:127.0.0.1',
    );
    expect(certInfo(server.cert)).toMatchObject({
      isCa: false,
      notBefore: t0.getTime(),
      notAfter: t1.getTime(),
      hosts: [...hosts].sort(),
    });
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(issuedBy(server.cert, ca.cert)).toBe(true);
    expect(issuedBy(server.cert, newCa('other', t0, t1).cert)).toBe(false);
    expect(keyMatches(server.cert, server.key)).toBe(true);
    expect(keyMatches(server.cert, ca.key)).toBe(false);
    const peer = { subjectaltname: x.subjectAltName, subject: {} } as tls.PeerCertificate;
    expect(tls.checkServerIdentity('bosun-webhook.bosun-system.svc.cluster.local', peer)).toBeUndefined();
    expect(tls.checkServerIdentity('other.bosun-system.svc', peer)).toBeInstanceOf(Error);
  });

  it('a client certificate has clientAuth', () => {
    const client = sign({ commonName: 'bosun', usage: 'client', notBefore: t0, notAfter: t1 }, ca);
    expect(new X509Certificate(client.cert).keyUsage).toEqual([CLIENT_AUTH]);
  });

  it('TLS clients that trust the CA accept the serving certificate for its IP; others refuse it', async () => {
    const liveCa = newCa('live', new Date(now - 60_000), t1);
    const live = sign(
      { commonName: 'x', hosts: ['127.0.0.1'], usage: 'server', notBefore: new Date(now - 60_000), notAfter: t1 },
      liveCa,
    );
    const srv = https.createServer({ cert: live.cert, key: live.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const { port } = srv.address() as AddressInfo;
    const get = (trust: string) =>
      new Promise<string>((resolve, reject) =>
        https
          .get({ host: '127.0.0.1', port, ca: trust }, (res) => {
            res.setEncoding('utf8');
            res.on('data', (d: string) => resolve(d));
          })
          .on('error', reject),
      );
    try {
      expect(await get(liveCa.cert)).toBe('ok');
      await expect(get(ca.cert)).rejects.toThrow(/self-signed|unable to verify|signature/i);
    } finally {
      srv.close();
    }
  });

  it('splits a PEM bundle and refuses what is not a certificate with a code', () => {
    expect(splitPem(`${ca.cert}\n${server.cert}`)).toHaveLength(2);
    expect(splitPem('junk')).toEqual([]);
    let err: unknown;
    try {
      certInfo('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, 'BOSUN_ERR_CERTIFICATE')).toBe(true);
    expect(() => sign({ commonName: 'x', usage: 'server', notBefore: t1, notAfter: t0 })).toThrow(/notAfter/);
    // the API server (Go) refuses a PrintableString with an @ in it
    expect(() => sign({ commonName: 'ca@1', usage: 'ca', notBefore: t0, notAfter: t1 })).toThrow(/PrintableString/);
  });
});
