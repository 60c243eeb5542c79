// The webhook certificate Secret's data (a kubernetes.io/tls Secret): ca.crt
// (the CA bundle: the current CA first, then older ones until they expire),
// ca.key (the current CA's key, so any leader can sign), tls.crt and tls.key
// (the serving certificate and its key). Read into the facts the decision
// needs, and written anew from a decision.
import { BosunError } from '../../api/errors.js';
import type { CertSettings, SecretFacts, SecretWrite } from './decide.js';
import { certInfo, issuedBy, keyMatches, newCa, sign, splitPem, type CertInfo } from './x509.js';

export const CA_CERT = 'ca.crt';
export const CA_KEY = 'ca.key';
export const TLS_CERT = 'tls.crt';
export const TLS_KEY = 'tls.key';

/** A new certificate's notBefore lies this far back, so a clock a little behind still accepts it. */
export const BACKDATE_MS = 5 * 60_000;

/** The Secret's certificates and keys, PEM. */
export interface CertPems {
  caCerts: string[];
  caKey?: string;
  cert?: string;
  key?: string;
}

const decode = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);
const encode = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

/** A Secret's data (base64 values, as the API gives them) as PEMs. */
export function readPems(data: Readonly<Record<string, string>> | undefined): CertPems {
  return {
    caCerts: splitPem(decode(data?.[CA_CERT]) ?? ''),
    caKey: decode(data?.[CA_KEY]),
    cert: splitPem(decode(data?.[TLS_CERT]) ?? '')[0],
    key: decode(data?.[TLS_KEY]),
  };
}

/** The CA bundle as the Secret and the webhook configurations hold it: base64 of the PEMs, one per line. */
export const bundleOf = (caCerts: string[]) => encode(caCerts.map((c) => `${c.trim()}\n`).join(''));

/** What the decision needs to know of the Secret; 'unreadable' when its CAs do not parse. */
export function factsOf(pems: CertPems): SecretFacts | 'unreadable' {
  let cas: CertInfo[];
  try {
    cas = pems.caCerts.map(certInfo);
  } catch {
    return 'unreadable';
  }
  const [current] = pems.caCerts;
  return {
    cas,
    caKeyMatches: Boolean(current && pems.caKey && keyMatches(current, pems.caKey)),
    serving: servingFacts(pems, cas),
    bundle: bundleOf(pems.caCerts),
  };
}

function servingFacts(pems: CertPems, cas: CertInfo[]): SecretFacts['serving'] {
  if (!pems.cert) return undefined;
  let info: CertInfo;
  try {
    info = certInfo(pems.cert);
  } catch {
    return undefined;
  }
  const cert = pems.cert;
  const issuer = pems.caCerts.findIndex((ca) => issuedBy(cert, ca));
  return {
    ...info,
    keyMatches: Boolean(pems.key && keyMatches(cert, pems.key)),
    issuer: issuer >= 0 ? cas[issuer]?.fingerprint : undefined,
  };
}

export interface Issued {
  /** the Secret's new data (base64) */
  data: Record<string, string>;
  /** the new CA, when one was made */
  ca?: CertInfo;
  /** the new serving certificate, when one was made */
  cert?: CertInfo;
}

/** Makes what `write` asks for (new keys and certificates) and the Secret's data that holds them. */
export function issue(write: SecretWrite, pems: CertPems, settings: CertSettings, now: number): Issued {
  const kept = pems.caCerts.filter((pem) => write.keepCas.includes(certInfo(pem).fingerprint));
  const notBefore = new Date(now - BACKDATE_MS);
  let caCerts = kept;
  let caKey = pems.caKey;
  let ca: CertInfo | undefined;
  if (write.newCa) {
    const made = newCa(`bosun-webhook-ca-${Math.floor(now / 1000)}`, notBefore, new Date(now + settings.caValidityMs));
    caCerts = [made.cert, ...kept];
    caKey = made.key;
    ca = certInfo(made.cert);
  }
  const [current] = caCerts;
  if (!current || !caKey) throw new BosunError('BOSUN_ERR_CERTIFICATE', 'no CA to sign the serving certificate with');
  let serving = pems.cert && pems.key ? { cert: pems.cert, key: pems.key } : undefined;
  let cert: CertInfo | undefined;
  if (write.newCert) {
    // never past the CA's own end
    const notAfter = Math.min(now + settings.certValidityMs, certInfo(current).notAfter);
    serving = sign(
      {
        commonName: settings.hosts[0] ?? 'bosun-webhook',
        hosts: settings.hosts,
        usage: 'server',
        notBefore,
        notAfter: new Date(notAfter),
      },
      { cert: current, key: caKey },
    );
    cert = certInfo(serving.cert);
  }
  if (!serving) throw new BosunError('BOSUN_ERR_CERTIFICATE', 'no serving certificate and none asked for');
  return {
    data: {
      [CA_CERT]: bundleOf(caCerts),
      [CA_KEY]: encode(caKey),
      [TLS_CERT]: encode(serving.cert),
      [TLS_KEY]: encode(serving.key),
    },
    ...(ca && { ca }),
    ...(cert && { cert }),
  };
}
