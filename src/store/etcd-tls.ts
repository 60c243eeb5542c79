// Bosun's etcd over TLS, and mutual TLS when etcd runs with --client-cert-auth:
// the `bosun run` flags (spread into RunConfig) and the credentials they make
// for the etcd3 client, read once at start (a rotated client certificate takes
// a restart). Every mistake is a BOSUN_ERR_CONFIG at start that names the flag,
// not a failed connection later.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { z } from 'zod';
import { BosunError, errorMessage } from '../api/errors.js';

export const etcdTlsFlags = {
  etcdCaFile: z
    .string()
    .min(1)
    .optional()
    .describe("PEM CA bundle that verifies the server certificate of Bosun's etcd (default: the system's CAs)"),
  etcdCertFile: z
    .string()
    .min(1)
    .optional()
    .describe("PEM client certificate Bosun presents to its etcd (etcd's --client-cert-auth); with --etcd-key-file"),
  etcdKeyFile: z.string().min(1).optional().describe('PEM private key of --etcd-cert-file'),
};

export interface EtcdTlsFlags {
  etcdEndpoints: string[];
  etcdCaFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
}

/** What the etcd3 client takes as `credentials`. */
export interface EtcdCredentials {
  rootCertificate: Buffer;
  certChain?: Buffer;
  privateKey?: Buffer;
}

const fail = (why: string): never => {
  throw new BosunError('BOSUN_ERR_CONFIG', why);
};

/**
 * The credentials for the flags: undefined for plain http:// (or https:// with the system's CAs and no client
 * cert).
 */
export function etcdCredentials(
  c: EtcdTlsFlags,
  read: (path: string) => Buffer = (p) => readFileSync(p),
): EtcdCredentials | undefined {
  const https = c.etcdEndpoints.filter((e) => e.startsWith('https://')).length;
  if (https && https < c.etcdEndpoints.length)
    fail('--etcd-endpoints mixes http:// and https://: every member of one etcd speaks TLS or none does');
  const files = c.etcdCaFile || c.etcdCertFile || c.etcdKeyFile;
  if (files && !https)
    fail('--etcd-ca-file, --etcd-cert-file and --etcd-key-file need https:// endpoints in --etcd-endpoints');
  if (Boolean(c.etcdCertFile) !== Boolean(c.etcdKeyFile))
    fail('--etcd-cert-file and --etcd-key-file go together: a client certificate is nothing without its key');
  if (!files) return undefined;
  const load = (flag: string, path: string) => {
    try {
      return read(path);
    } catch (err) {
      return fail(`${flag} ${path}: ${errorMessage(err)}`);
    }
  };
  const rootCertificate = c.etcdCaFile
    ? pemCerts('--etcd-ca-file', c.etcdCaFile, load('--etcd-ca-file', c.etcdCaFile))
    : Buffer.from(rootCertificates.join('\n'));
  if (!c.etcdCertFile || !c.etcdKeyFile) return { rootCertificate };
  const certChain = pemCerts('--etcd-cert-file', c.etcdCertFile, load('--etcd-cert-file', c.etcdCertFile));
  const privateKey = load('--etcd-key-file', c.etcdKeyFile);
  let fits = false;
  try {
    fits = new X509Certificate(certChain).checkPrivateKey(createPrivateKey(privateKey));
  } catch (err) {
    fail(`--etcd-key-file ${c.etcdKeyFile}: not a PEM private key (${errorMessage(err)})`);
  }
  if (!fits) fail(`--etcd-key-file ${c.etcdKeyFile} is not the key of --etcd-cert-file ${c.etcdCertFile}`);
  return { rootCertificate, certChain, privateKey };
}

function pemCerts(flag: string, path: string, pem: Buffer): Buffer {
  try {
    new X509Certificate(pem);
  } catch (err) {
    fail(`${flag} ${path}: not a PEM certificate (${errorMessage(err)})`);
  }
  return pem;
}

/** What to check when an etcd call failed on TLS (etcd refused the handshake, or Bosun refused etcd's certificate). */
export const tlsHint = (err: unknown) =>
  /SSL routines|certificate|handshake/i.test(errorMessage(err))
    ? "; a TLS failure: does --etcd-ca-file hold the CA of etcd's certificate, and is --etcd-cert-file " +
      "signed by a CA etcd's --trusted-ca-file holds?"
    : '';
