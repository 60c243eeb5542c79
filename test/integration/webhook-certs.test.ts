// Bosun's own webhook serving certificate, without cert-manager, on the real
// control plane: two replicas with leader election, the mutating webhook
// pointing at one and the validating webhook at the other, so that every
// admission goes through both (a proxy in this process would stall: kubectl
// runs synchronously here). The leader creates the Secret, writes its CA into both webhook
// configurations and rotates certificate and CA (short validities here); every
// replica serves the Secret's certificate and takes each new one without a
// restart; the API server admits through the webhook all along; a CA bundle
// edited away comes back; only the leader writes. The operator's RBAC is the
// shipped config/rbac/webhook_cert_role.yaml, for this test's names.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { webhookConfigs } from '../../hack/webhook.js';
import { auditEvents, controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import { OPERATOR_USER } from '../support/webhook.js';
import { newCa } from '../../src/webhooks/certs/x509.js';

const SECRET = 'bosun-webhook-tls';
const KINDS = ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'] as const;

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { name: string };
  rules?: { resourceNames?: string[] }[];
}

/** The shipped RBAC of the managed certificate, for this namespace and these configuration names. */
function grantShippedRbac(namespace: string, configs: string): void {
  const file = readFileSync(join(repoRoot, 'config', 'rbac', 'webhook_cert_role.yaml'), 'utf8');
  for (const doc of parseAllDocuments(file).map((d) => d.toJS() as Doc)) {
    if (doc.kind === 'Role' || doc.kind === 'RoleBinding') doc.metadata.namespace = namespace;
    if (doc.kind === 'ClusterRole') for (const rule of doc.rules ?? []) rule.resourceNames = [configs];
    if (doc.kind.startsWith('Cluster')) doc.metadata.name = `${doc.metadata.name}-${namespace}`;
    if (doc.kind === 'ClusterRoleBinding' && doc.roleRef) doc.roleRef.name = `${doc.roleRef.name}-${namespace}`;
    kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(doc) });
  }
}

const pems = (b64: string | undefined) =>
  Buffer.from(b64 ?? '', 'base64')
    .toString('utf8')
    .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The certificate the replica at `port` presents (read, not yet judged). */
const presented = (port: number) =>
  new Promise<X509Certificate>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.end();
      if (cert) resolve(cert);
      else reject(new Error('no certificate'));
    });
    socket.on('error', reject);
  });

/** Whether the API server, trusting `bundle`, accepts `cert` for 127.0.0.1 now. */
const trusts = (bundle: string[], cert: X509Certificate) =>
  cert.checkIP('127.0.0.1') !== undefined &&
  Date.parse(cert.validTo) > Date.now() &&
  bundle.some((pem) => {
    const ca = new X509Certificate(pem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  });

describe('the webhook serving certificate Bosun manages itself', () => {
  const ns = useNamespace('webhook-certs', { webhook: false });
  const configName = () => `bosun-admission-${ns()}`;
  let ports: number[];
  let alpha: RunningOperator;
  let beta: RunningOperator;
  let goals = 0;

  const secret = () =>
    JSON.parse(kubectlOk(['get', 'secret', SECRET, '-o', 'json'], { namespace: ns() })) as {
      type: string;
      metadata: { annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
      data: Record<string, string>;
    };
  const bundles = () =>
    KINDS.map((kind) => {
      const doc = JSON.parse(kubectlOk(['get', kind, configName(), '-o', 'json'])) as {
        metadata: { annotations?: Record<string, string> };
        webhooks: { clientConfig: { caBundle?: string } }[];
      };
      return {
        kind,
        annotations: doc.metadata.annotations ?? {},
        caBundles: doc.webhooks.map((w) => w.clientConfig.caBundle),
      };
    });
  /** A Goal as alice, through the webhook: the name when admitted and stamped, else the API server's answer. */
  const admit = () => {
    const name = `g${++goals}`;
    const res = kubectl(['create', '-f', '-'], {
      as: 'alice',
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name },
        spec: { intent: { type: 'restart', target: 'deployment/web' }, mode: 'plan-only' },
      }),
    });
    if (res.code !== 0) return `refused: ${res.stderr}`;
    const requester = kubectlOk(['get', 'goal', name, '-o', 'jsonpath={.spec.requester.username}'], {
      namespace: ns(),
    });
    return requester === 'alice' ? 'stamped' : `not stamped: ${requester}`;
  };
  const start = (identity: string, port: number, waitForLeader: boolean) =>
    startOperator({
      cp: controlPlane(),
      identity,
      namespace: ns(),
      waitForLeader,
      args: [
        ...['--operator-namespace', ns(), '--lease-namespace', 'bosun-system', '--operator-user', OPERATOR_USER],
        ...['--webhook-addr', `127.0.0.1:${port}`, '--webhook-cert-secret', SECRET],
        ...['--webhook-configurations', configName(), '--webhook-cert-hosts', '127.0.0.1'],
        // short lives: the serving certificate is renewed every 16 s, the CA after 30 s
        ...['--webhook-cert-validity', '24s', '--webhook-ca-validity', '45s'],
      ],
    });

  beforeAll(async () => {
    grantShippedRbac(ns(), configName());
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    ports = [await freePort(), await freePort()];
    // registered with no CA bundle: until Bosun writes one, the API server trusts no certificate of the webhook
    for (const doc of webhookConfigs(ports[0] ?? 0, '', ns())) {
      for (const w of doc.webhooks) {
        delete w.clientConfig.caBundle;
        if (doc.kind === 'ValidatingWebhookConfiguration')
          w.clientConfig.url = w.clientConfig.url?.replace(`:${ports[0]}/`, `:${ports[1]}/`);
      }
      kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(doc) });
    }
    alpha = await start('alpha', ports[0] ?? 0, true);
    beta = await start('beta', ports[1] ?? 0, false);
  });

  afterAll(async () => {
    await Promise.all([alpha?.stop(), beta?.stop()]);
    for (const kind of KINDS) kubectl(['delete', kind, configName(), '--ignore-not-found']);
    kubectl(['delete', 'clusterrolebinding,clusterrole', `bosun-webhook-configurations-${ns()}`, '--ignore-not-found']);
  });

  it('the leader creates the Secret and writes its CA into both configurations; the API server admits', async () => {
    const s = secret();
    expect(s.type).toBe('kubernetes.io/tls');
    expect(Object.keys(s.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(s.metadata.annotations?.['bosun.dev/issued-by']).toBe('alpha');
    // it goes with the configurations it serves
    expect(s.metadata.ownerReferences?.map((o) => `${o.kind}/${o.name}`).sort()).toEqual([
      `MutatingWebhookConfiguration/${configName()}`,
      `ValidatingWebhookConfiguration/${configName()}`,
    ]);
    await until(
      'both configurations hold ca.crt',
      async () => bundles().every((b) => b.caBundles.every((c) => c === secret().data['ca.crt'])),
      30_000,
      () => alpha.log(30),
    );
    expect(bundles().map((b) => b.annotations['bosun.dev/ca-injected-by'])).toEqual(['alpha', 'alpha']);
    await until(
      'a Goal admitted and stamped',
      async () => admit() === 'stamped',
      30_000,
      () => alpha.log(30),
    );
    // each replica, leader or not, serves the Secret's certificate, and says when it ends (both read again on a
    // race with a renewal)
    for (const [op, port] of [
      [alpha, ports[0] ?? 0],
      [beta, ports[1] ?? 0],
    ] as const)
      await until(
        `${op.identity} serving the Secret's certificate`,
        async () => {
          const cert = await presented(port);
          const expiry = await op.metric('bosun_webhook_certificate_expiry_timestamp_seconds');
          const inSecret = pems(secret().data['tls.crt'])[0] ?? '';
          return cert.fingerprint256 === fingerprint(inSecret) && expiry === Date.parse(cert.validTo) / 1000;
        },
        30_000,
        () => op.log(30),
      );
  });

  it(
    'rotates certificate and CA: both replicas serve every new certificate, always one the API server trusts, ' +
      'and admission never stops',
    async () => {
      const firstCa = fingerprint(pems(secret().data['ca.crt'])[0] ?? '');
      const served = new Set<string>();
      const problems: string[] = [];
      let sawBoth = false;
      await until(
        'a CA rotation, the old CA retired',
        async () => {
          // what each replica serves, judged against what the configurations hold right after
          const certs = await Promise.all(
            ports.map((p) => presented(p).catch((err: unknown) => (problems.push(`${p}: ${String(err)}`), undefined))),
          );
          for (const b of bundles())
            for (const bundle of b.caBundles)
              for (const cert of certs)
                if (cert && !trusts(pems(bundle), cert))
                  problems.push(`${b.kind} does not trust ${cert.fingerprint256}`);
          for (const cert of certs) if (cert) served.add(cert.fingerprint256);
          const admitted = admit();
          if (admitted !== 'stamped') problems.push(admitted);
          const cas = pems(secret().data['ca.crt']).map(fingerprint);
          // the new CA first, the old one kept beside it
          if (cas.length === 2) sawBoth = true;
          if (cas.length === 2 && cas[1] !== firstCa) problems.push(`not the first CA kept: ${cas.join(', ')}`);
          const pruned = sawBoth && cas.length === 1 && cas[0] !== firstCa;
          return pruned && bundles().every((b) => b.caBundles.every((c) => pems(c).length === 1));
        },
        120_000,
        () => `${problems.join('\n')}\n${alpha.log(40)}`,
      );
      expect(problems).toEqual([]);
      expect(served.size).toBeGreaterThanOrEqual(3);
      const reasons = kubectlOk(
        ['get', 'events', '--field-selector', `involvedObject.name=${SECRET}`, '-o', 'jsonpath={.items[*].reason}'],
        { namespace: ns() },
      );
      for (const reason of [
        'CertificateAuthorityCreated',
        'ServingCertificateIssued',
        'CertificateAuthorityRotated',
        'CertificateAuthorityRetired',
      ])
        expect(reasons).toContain(reason);
    },
    180_000,
  );

  it('a CA bundle edited away is written back', async () => {
    const now = Date.now();
    const other = newCa('someone-else', new Date(now - 60_000), new Date(now + 3_600_000)).cert;
    kubectlOk([
      'patch',
      'validatingwebhookconfiguration',
      configName(),
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: Buffer.from(other).toString('base64') },
      ]),
    ]);
    await until(
      'the CA bundle back',
      async () => bundles().every((b) => b.caBundles.every((c) => c === secret().data['ca.crt'])),
      30_000,
      () => alpha.log(30),
    );
    await until(
      'a Goal admitted and stamped',
      async () => admit() === 'stamped',
      30_000,
      () => alpha.log(30),
    );
  });

  it('only the leader wrote, and no log holds a key', () => {
    const writes = auditEvents(
      (e) =>
        e.user.username === OPERATOR_USER &&
        ['create', 'update', 'patch'].includes(e.verb) &&
        ((e.objectRef?.resource === 'secrets' && e.objectRef.namespace === ns() && e.objectRef.name === SECRET) ||
          (e.objectRef?.resource?.endsWith('webhookconfigurations') === true && e.objectRef.name === configName())),
    );
    expect(writes.length).toBeGreaterThanOrEqual(8);
    expect(new Set(writes.map((e) => e.userAgent?.split(' ')[0]))).toEqual(new Set(['bosun/alpha']));
    expect(beta.log(10_000)).not.toMatch(/wrote the (webhook certificate Secret|CA bundle)/);
    const key = secret().data['ca.key'] ?? '';
    for (const op of [alpha, beta]) {
      const log = op.log(100_000);
      expect(log).not.toContain('PRIVATE KEY');
      expect(log).not.toContain(key.slice(20, 80));
    }
  });

  it('the standby writes once it leads', async () => {
    await alpha.stop(); // a graceful stop hands the lease over at once
    await until(
      'beta to lead',
      async () => (await beta.metric('bosun_leader')) === 1,
      60_000,
      () => beta.log(30),
    );
    await until(
      'a Secret written by beta',
      async () => secret().metadata.annotations?.['bosun.dev/issued-by'] === 'beta',
      60_000,
      () => beta.log(30),
    );
    const cert = pems(secret().data['tls.crt'])[0] ?? '';
    await until(
      'beta serving it',
      async () => (await presented(ports[1] ?? 0)).fingerprint256 === fingerprint(cert),
      30_000,
      () => beta.log(30),
    );
  }, 150_000);
});
