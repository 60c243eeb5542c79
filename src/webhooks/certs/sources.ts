// Where the webhook server's certificate comes from, on every replica (leader
// or not): the Secret the leader manages (--webhook-cert-secret), as an
// informer sees it, or a folder with tls.crt and tls.key (--webhook-cert-dir,
// a Secret cert-manager fills and the kubelet mounts: it swaps the files
// behind a symlink, so the folder is read again every few seconds). A new
// certificate is taken only when it parses and its key fits; until then the
// one before keeps being served.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BosunError, errorMessage } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../telemetry/logger.js';
import { readPems, TLS_CERT, TLS_KEY } from './secret-data.js';
import { certInfo, keyMatches, type CertInfo } from './x509.js';

export interface ServingCert {
  /** PEM, the serving certificate first (any intermediates after it) */
  cert: string;
  key: string;
  info: CertInfo;
}

export interface CertSource {
  /** the certificate to serve; undefined until there is one */
  current(): ServingCert | undefined;
  /** called with each new certificate after this call */
  onChange(fn: (cert: ServingCert) => void): void;
  stop(): void;
}

/** A certificate and its key, checked: BOSUN_ERR_CERTIFICATE when either does not parse or they do not fit. */
export function servingCert(cert: string, key: string): ServingCert {
  const info = certInfo(cert);
  if (!keyMatches(cert, key)) throw new BosunError('BOSUN_ERR_CERTIFICATE', 'tls.key is not the key of tls.crt');
  return { cert, key, info };
}

class Holder {
  private cert: ServingCert | undefined;
  private readonly listeners: ((c: ServingCert) => void)[] = [];

  current = () => this.cert;

  onChange = (fn: (c: ServingCert) => void) => void this.listeners.push(fn);

  /** Takes `next` when it is another certificate; returns whether it did. */
  offer(next: ServingCert): boolean {
    if (next.info.fingerprint === this.cert?.info.fingerprint && next.key === this.cert.key) return false;
    this.cert = next;
    for (const fn of this.listeners) fn(next);
    return true;
  }
}

type SecretObject = KubeObject & { data?: Record<string, string> };

/** The serving certificate of the Secret `name` as `informer` (a watch of that one Secret) sees it. */
export function secretCertSource(
  informer: Pick<Informer<SecretObject>, 'addHandlers'>,
  secret: string,
  log: Logger,
): CertSource {
  const holder = new Holder();
  const load = (s: SecretObject) => {
    const { cert, key } = readPems(s.data);
    if (!cert || !key)
      return log.info({ secretName: secret }, 'the webhook certificate Secret holds no certificate yet');
    try {
      const taken = holder.offer(servingCert(cert, key));
      if (taken)
        log.info(
          { secretName: secret, ...described(holder.current()) },
          'webhook serving certificate loaded from the Secret',
        );
    } catch (err) {
      log.warn(
        { secretName: secret, err: errorMessage(err) },
        'the webhook certificate Secret holds no usable certificate',
      );
    }
  };
  informer.addHandlers({ onAdd: load, onUpdate: (_old, s) => load(s) });
  return { current: holder.current, onChange: holder.onChange, stop: () => {} };
}

/** How often a certificate folder is read again. */
export const CERT_DIR_POLL_MS = 10_000;

/** tls.crt and tls.key of `dir`, read now (BOSUN_ERR_CONFIG when they cannot be) and every `pollMs` after. */
export function dirCertSource(dir: string, log: Logger, pollMs = CERT_DIR_POLL_MS): CertSource {
  const holder = new Holder();
  const read = () => servingCert(readFileSync(join(dir, TLS_CERT), 'utf8'), readFileSync(join(dir, TLS_KEY), 'utf8'));
  try {
    holder.offer(read());
  } catch (err) {
    throw new BosunError(
      'BOSUN_ERR_CONFIG',
      `--webhook-cert-dir ${dir}: ${errorMessage(err)}; it needs tls.crt and tls.key (a kubernetes.io/tls Secret)`,
    );
  }
  let failing = false;
  const timer = setInterval(() => {
    try {
      if (holder.offer(read()))
        log.info({ dir, ...described(holder.current()) }, 'webhook serving certificate reloaded');
      failing = false;
    } catch (err) {
      // mid-swap, or a bad file: keep serving the certificate before; say so once
      if (!failing)
        log.warn({ dir, err: errorMessage(err) }, 'could not reload the webhook certificate; keeping the old');
      failing = true;
    }
  }, pollMs);
  timer.unref();
  return { current: holder.current, onChange: holder.onChange, stop: () => clearInterval(timer) };
}

/** A certificate as logs and Events show it: never its key. */
export const described = (c: ServingCert | { info: CertInfo } | undefined) =>
  c && {
    fingerprint: c.info.fingerprint,
    notAfter: new Date(c.info.notAfter).toISOString(),
    hosts: c.info.hosts,
  };
