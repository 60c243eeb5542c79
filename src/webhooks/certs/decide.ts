// What the leader does about the webhook's serving certificate, decided from
// what it sees (the Secret's certificates, the webhook configurations' CA
// bundles) and the time: pure. One step at a time; each write wakes the
// next decision:
//   - no usable CA in the Secret: a new CA and a new serving certificate;
//   - the CA nears its end: a new CA goes first in ca.crt, the old ones stay
//     there until they expire (replicas that still serve a certificate of an
//     old CA stay trusted), and the serving certificate is not touched yet;
//   - a CA bundle that is not ca.crt (never written, an old one, edited away):
//     written again;
//   - the serving certificate is unusable (missing, not its key's, expired, of
//     a CA no longer trusted): a new one at once; it nears its end, names other
//     hosts or comes from an older CA: a new one once every bundle trusts the
//     current CA.
import type { CertInfo } from './x509.js';

export const DAY_MS = 86_400_000;

/** How long before its end a certificate is replaced: a third of its validity, at most 90 days. */
export const refreshBefore = (validityMs: number) => Math.min(validityMs / 3, 90 * DAY_MS);

/** A decision is looked at again at least this often, whatever the dates say. */
export const MAX_RECHECK_MS = 3_600_000;
const MIN_RECHECK_MS = 1_000;

export interface CertSettings {
  /** the serving certificate's names: IP addresses and DNS names */
  hosts: string[];
  certValidityMs: number;
  caValidityMs: number;
}

export interface SecretFacts {
  /** ca.crt, in order: the current CA (the one ca.key belongs to) first */
  cas: CertInfo[];
  /** ca.key is the private key of cas[0] */
  caKeyMatches: boolean;
  /** tls.crt, when it parses */
  serving?: CertInfo & {
    /** tls.key is its private key */
    keyMatches: boolean;
    /** the fingerprint of the CA in `cas` that signed it */
    issuer?: string;
  };
  /** the CA bundle the webhook configurations should hold: ca.crt, base64 */
  bundle: string;
}

export type WebhookKind = 'mutating' | 'validating';

export interface Observed {
  /** undefined: no Secret; 'unreadable': a Secret without a CA and its key Bosun can use */
  secret: SecretFacts | 'unreadable' | undefined;
  /** the webhook configurations that exist, with each webhook's clientConfig.caBundle */
  configs: { kind: WebhookKind; caBundles: (string | undefined)[] }[];
}

export interface SecretWrite {
  /** a new CA goes first in ca.crt */
  newCa: boolean;
  /** a new serving certificate, signed by the current (or new) CA */
  newCert: boolean;
  /** fingerprints of the CAs of ca.crt that stay in it, in order */
  keepCas: string[];
  /** why, for the log and the Event */
  why: string;
}

export interface Decision {
  write?: SecretWrite;
  /** configurations whose CA bundles are to be set to the Secret's ca.crt (only when nothing is written) */
  inject: WebhookKind[];
  /** when to look again, from now */
  recheckInMs: number;
}

const fresh = (why: string): Decision => ({
  write: { newCa: true, newCert: true, keepCas: [], why },
  inject: [],
  recheckInMs: MIN_RECHECK_MS,
});

export function decide(seen: Observed, settings: CertSettings, now: number): Decision {
  const secret = seen.secret;
  if (secret === undefined) return fresh('no Secret yet');
  if (secret === 'unreadable') return fresh('the Secret holds no CA and key Bosun can use');
  const [ca] = secret.cas;
  if (!ca || !ca.isCa || !secret.caKeyMatches) return fresh('ca.crt does not start with a CA that ca.key belongs to');

  const caDue = ca.notAfter - now <= refreshBefore(settings.caValidityMs);
  const kept = secret.cas.filter((c) => c.notAfter > now);
  const pruned = kept.length < secret.cas.length;
  const inject = seen.configs.filter((c) => c.caBundles.some((b) => b !== secret.bundle)).map((c) => c.kind);

  const cert = secret.serving;
  const keptFingerprints = new Set(kept.map((c) => c.fingerprint));
  const unusable = !cert
    ? 'no serving certificate'
    : !cert.keyMatches
      ? 'tls.key is not the serving certificate’s key'
      : cert.notAfter <= now
        ? 'the serving certificate expired'
        : !cert.issuer || !keptFingerprints.has(cert.issuer)
          ? 'the serving certificate is not signed by a trusted CA'
          : undefined;
  const due = !cert
    ? undefined
    : cert.notAfter - now <= refreshBefore(settings.certValidityMs)
      ? 'the serving certificate nears its end'
      : !sameHosts(cert.hosts, settings.hosts)
        ? 'the serving certificate names other hosts'
        : cert.issuer !== ca.fingerprint
          ? 'the serving certificate comes from an older CA'
          : undefined;
  // a certificate of a CA the API server may not trust yet waits until every bundle holds that CA
  const newCert = Boolean(unusable) || (Boolean(due) && !caDue && inject.length === 0);

  if (caDue || pruned || newCert) {
    const why = [caDue && 'the CA nears its end', pruned && 'an old CA expired', newCert && (unusable ?? due)].filter(
      Boolean,
    );
    return {
      write: { newCa: caDue, newCert, keepCas: kept.map((c) => c.fingerprint), why: why.join('; ') },
      inject: [],
      recheckInMs: MIN_RECHECK_MS,
    };
  }
  const next = [
    ca.notAfter - refreshBefore(settings.caValidityMs),
    ...kept.slice(1).map((c) => c.notAfter),
    ...(cert ? [cert.notAfter - refreshBefore(settings.certValidityMs)] : []),
  ];
  return { inject, recheckInMs: clamp(Math.min(...next) - now) };
}

const clamp = (ms: number) => Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, Math.ceil(ms)));

const sameHosts = (a: string[], b: string[]) => {
  const norm = (x: string[]) => [...new Set(x.map((h) => h.toLowerCase()))].sort().join(',');
  return norm(a) === norm(b);
};
