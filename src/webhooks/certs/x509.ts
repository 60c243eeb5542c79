// The webhook's own certificates: RSA 2048 keys from Node's crypto, X.509
// certificates signed with node-forge (Node reads certificates but cannot sign
// them), and what a certificate says, read with Node's X509Certificate (which
// also reads the ECDSA certificates cert-manager may issue).
import { generateKeyPairSync, randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { BosunError, errorMessage } from '../../api/errors.js';

/** A certificate and its private key, both PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface CertRequest {
  commonName: string;
  /** subject alternative names: IP addresses or DNS names */
  hosts?: string[];
  /** ca: may sign certificates; server or client: a TLS leaf with that extended key usage */
  usage: 'ca' | 'server' | 'client';
  notBefore: Date;
  notAfter: Date;
}

/** What a certificate says, as the decisions about it need it. */
export interface CertInfo {
  /** SHA-256 of the DER, hex pairs joined by colons */
  fingerprint: string;
  /** milliseconds since the epoch */
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  /** the subject alternative names (DNS names and IP addresses), sorted */
  hosts: string[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, in order. */
export const splitPem = (bundle: string): string[] => bundle.match(PEM_CERT) ?? [];

/** Reads one PEM certificate; BOSUN_ERR_CERTIFICATE when it does not parse. */
export function certInfo(pem: string): CertInfo {
  let x: X509Certificate;
  try {
    x = new X509Certificate(pem);
  } catch (err) {
    throw new BosunError('BOSUN_ERR_CERTIFICATE', `not a PEM certificate: ${errorMessage(err)}`);
  }
  return {
    fingerprint: x.fingerprint256,
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    isCa: x.ca,
    hosts: sanHosts(x.subjectAltName),
  };
}

// "DNS:a.svc, IP Address:127.0.0.1" → ['127.0.0.1', 'a.svc']
function sanHosts(san: string | undefined): string[] {
  return (san ?? '')
    .split(', ')
    .map((s) => /^(?:DNS|IP Address):(.+)$/.exec(s.trim())?.[1])
    .filter((h): h is string => Boolean(h))
    .map((h) => h.toLowerCase())
    .sort();
}

/** Whether `key` (PEM) is the private key of `cert` (PEM); false when either does not parse. */
export function keyMatches(cert: string, key: string): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

/** Whether `ca` (PEM) signed `cert` (PEM); false when either does not parse. */
export function issuedBy(cert: string, ca: string): boolean {
  try {
    const [c, issuer] = [new X509Certificate(cert), new X509Certificate(ca)];
    return c.checkIssued(issuer) && c.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** A new self-signed CA with a fresh RSA 2048 key. */
export function newCa(commonName: string, notBefore: Date, notAfter: Date): KeyPair {
  return sign({ commonName, usage: 'ca', notBefore, notAfter });
}

/** A certificate with a fresh RSA 2048 key, signed by `ca` (self-signed when `ca` is absent). */
export function sign(req: CertRequest, ca?: KeyPair): KeyPair {
  // forge writes the name as an ASN.1 PrintableString, and Go (the API server) refuses one with other characters
  if (!/^[A-Za-z0-9 '()+,\-./:=?]+$/.test(req.commonName))
    throw new BosunError('BOSUN_ERR_CERTIFICATE', `"${req.commonName}" is not a name a PrintableString can hold`);
  if (req.notAfter.getTime() <= req.notBefore.getTime())
    throw new BosunError('BOSUN_ERR_CERTIFICATE', `${req.commonName}: notAfter must come after notBefore`);
  const { privateKey: keyPem, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // a positive serial of 128 random bits
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = req.notBefore;
  cert.validity.notAfter = req.notAfter;
  const subject = [{ name: 'commonName', value: req.commonName }];
  cert.setSubject(subject);
  const issuer = ca ? forge.pki.certificateFromPem(ca.cert) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);
  cert.setExtensions(extensions(req, issuer ?? cert));
  const signer = forge.pki.privateKeyFromPem(ca?.key ?? keyPem);
  cert.sign(signer, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

function extensions(req: CertRequest, issuer: forge.pki.Certificate): object[] {
  const authority = { name: 'authorityKeyIdentifier', keyIdentifier: issuer.generateSubjectKeyIdentifier().getBytes() };
  if (req.usage === 'ca')
    return [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ];
  const hosts = req.hosts ?? [];
  return [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: req.usage === 'server', clientAuth: req.usage === 'client' },
    { name: 'subjectKeyIdentifier' },
    authority,
    ...(hosts.length
      ? [
          {
            name: 'subjectAltName',
            altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
          },
        ]
      : []),
  ];
}
