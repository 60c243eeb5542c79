// The leader's side of the webhook certificate: gather (the Secret and the two
// webhook configurations, as the informers hold them), decide (decide.ts, with
// the clock), act (one write: the Secret, or the CA bundles), and say what was
// done in the log and an Event. Never a key in either. The Secret is owned by
// the webhook configurations it serves: it goes when they go.
import type { KubeObject, OwnerReference } from '../../api/v1alpha1/meta.js';
import type { KubeClient } from '../../kube/client.js';
import type { EventRecorder } from '../../kube/events.js';
import { core, type Resource } from '../../kube/resources.js';
import type { Result } from '../../runtime/controller.js';
import type { Informer } from '../../runtime/informer.js';
import type { Logger } from '../../telemetry/logger.js';
import {
  decide,
  type CertSettings,
  type Decision,
  type Observed,
  type SecretFacts,
  type SecretWrite,
  type WebhookKind,
} from './decide.js';
import { factsOf, issue, readPems, type CertPems } from './secret-data.js';
import { described } from './sources.js';
import { splitPem } from './x509.js';

export type SecretObject = KubeObject & { type?: string; data?: Record<string, string> };
export type WebhookConfiguration = KubeObject & {
  webhooks?: { name: string; clientConfig?: { caBundle?: string } }[];
};

const ADMISSION_V1 = 'admissionregistration.k8s.io/v1';
const admission = (plural: string, kind: string): Resource => ({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural,
  kind,
  namespaced: false,
});

export const webhookResources: Record<WebhookKind, Resource> = {
  mutating: admission('mutatingwebhookconfigurations', 'MutatingWebhookConfiguration'),
  validating: admission('validatingwebhookconfigurations', 'ValidatingWebhookConfiguration'),
};

/** Who wrote the Secret last, and who wrote a configuration's CA bundles last: the replica's identity. */
export const ISSUED_BY = 'bosun.dev/issued-by';
export const INJECTED_BY = 'bosun.dev/ca-injected-by';
const CERT_MANAGER_INJECTS = 'cert-manager.io/inject-ca-from';

export interface RotatorOptions {
  /** writes only while this replica leads (Manager.leaderClient) */
  client: Pick<KubeClient, 'create' | 'patch'>;
  events: EventRecorder;
  log: Logger;
  identity: string;
  secret: { namespace: string; name: string };
  configurations: string;
  settings: CertSettings;
  informers: { secret: Pick<Informer<SecretObject>, 'get'> } & Record<
    WebhookKind,
    Pick<Informer<WebhookConfiguration>, 'get'>
  >;
  now?: () => number;
}

export function certRotator(opts: RotatorOptions): () => Promise<Result> {
  const { log, secret: ref } = opts;
  const warned = new Set<string>();
  return async () => {
    const now = (opts.now ?? Date.now)();
    const secret = opts.informers.secret.get(ref.namespace, ref.name);
    const pems = readPems(secret?.data);
    const configs = (['mutating', 'validating'] as const).flatMap((kind) => {
      const obj = opts.informers[kind].get(undefined, opts.configurations);
      return obj ? [{ kind, obj }] : [];
    });
    const seen: Observed = {
      secret: secret && factsOf(pems),
      configs: configs.map(({ kind, obj }) => ({
        kind,
        caBundles: (obj.webhooks ?? []).map((w) => w.clientConfig?.caBundle),
      })),
    };
    for (const { obj } of configs) {
      const key = `${obj.kind}/${obj.metadata.name}`;
      if (obj.metadata.annotations?.[CERT_MANAGER_INJECTS] && !warned.has(key)) {
        warned.add(key);
        log.warn({ config: key }, `${CERT_MANAGER_INJECTS} is set: cert-manager's CA injector writes this bundle too`);
      }
    }
    const decision = decide(seen, opts.settings, now);
    const owners = ownersFor(secret, configs);
    if (decision.write) await writeSecret(opts, secret, pems, decision.write, now, owners);
    else if (seen.secret && seen.secret !== 'unreadable') {
      await inject(opts, decision, configs, seen.secret);
      if (secret && owners) await adopt(opts, secret, owners);
    }
    return { requeueAfter: decision.recheckInMs };
  };
}

/**
 * The Secret's owner references when they are to change: the webhook configurations it serves (so that deleting
 * them, as `helm uninstall` does, deletes it too), beside any owner of someone else's; undefined when they hold.
 */
export function ownersFor(
  secret: SecretObject | undefined,
  configs: { kind: WebhookKind; obj: WebhookConfiguration }[],
): OwnerReference[] | undefined {
  const ours = configs.flatMap(({ kind, obj }) =>
    obj.metadata.uid
      ? [
          {
            apiVersion: ADMISSION_V1,
            kind: webhookResources[kind].kind,
            name: obj.metadata.name,
            uid: obj.metadata.uid,
          },
        ]
      : [],
  );
  const current = secret?.metadata.ownerReferences ?? [];
  const held = new Set(current.filter((r) => r.apiVersion === ADMISSION_V1).map((r) => r.uid));
  if (!ours.length || (held.size === ours.length && ours.every((o) => held.has(o.uid)))) return undefined;
  return [...current.filter((r) => r.apiVersion !== ADMISSION_V1), ...ours];
}

async function adopt(opts: RotatorOptions, secret: SecretObject, owners: OwnerReference[]): Promise<void> {
  const { secret: ref } = opts;
  await opts.client.patch(
    core.secrets,
    ref.namespace,
    ref.name,
    { metadata: { ownerReferences: owners } },
    { resourceVersion: secret.metadata.resourceVersion },
  );
  opts.log.info(
    { secretName: `${ref.namespace}/${ref.name}`, owners: owners.map((o) => `${o.kind}/${o.name}`) },
    'the webhook certificate Secret now goes with its webhook configurations',
  );
}

async function writeSecret(
  opts: RotatorOptions,
  current: SecretObject | undefined,
  pems: CertPems,
  write: SecretWrite,
  now: number,
  owners: OwnerReference[] | undefined,
): Promise<void> {
  const { client, secret: ref } = opts;
  const issued = issue(write, pems, opts.settings, now);
  const annotations = { [ISSUED_BY]: opts.identity };
  const ownerReferences = owners && { ownerReferences: owners };
  const written = current
    ? await client.patch<SecretObject>(
        core.secrets,
        ref.namespace,
        ref.name,
        { metadata: { annotations, ...ownerReferences }, data: issued.data },
        { resourceVersion: current.metadata.resourceVersion },
      )
    : await client.create<SecretObject>(core.secrets, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: ref.name,
          namespace: ref.namespace,
          labels: { 'app.kubernetes.io/part-of': 'bosun', 'app.kubernetes.io/component': 'webhook' },
          annotations,
          ...ownerReferences,
        },
        type: 'kubernetes.io/tls',
        data: issued.data,
      });
  const cas = splitPem(Buffer.from(issued.data['ca.crt'] ?? '', 'base64').toString('utf8')).length;
  const reason = write.newCa
    ? pems.caCerts.length
      ? 'CertificateAuthorityRotated'
      : 'CertificateAuthorityCreated'
    : write.newCert
      ? 'ServingCertificateIssued'
      : 'CertificateAuthorityRetired';
  const ca = issued.ca && described({ info: issued.ca });
  const cert = issued.cert && described({ info: issued.cert });
  opts.log.info(
    { secretName: `${ref.namespace}/${ref.name}`, why: write.why, ca, cert, casInBundle: cas },
    'wrote the webhook certificate Secret',
  );
  const note = [
    `${write.why}:`,
    ca && `new CA ${ca.fingerprint} until ${ca.notAfter};`,
    cert && `serving certificate ${cert.fingerprint} until ${cert.notAfter} for ${cert.hosts.join(', ')};`,
    `${cas} CA(s) trusted`,
  ];
  await opts.events.event(
    { ...written, apiVersion: 'v1', kind: 'Secret' },
    'Normal',
    reason,
    note.filter(Boolean).join(' '),
    'Issue',
  );
}

async function inject(
  opts: RotatorOptions,
  decision: Decision,
  configs: { kind: WebhookKind; obj: WebhookConfiguration }[],
  bundle: SecretFacts,
): Promise<void> {
  for (const { kind, obj } of configs) {
    if (!decision.inject.includes(kind)) continue;
    const webhooks = (obj.webhooks ?? []).map((w) => ({ name: w.name, clientConfig: { caBundle: bundle.bundle } }));
    // a strategic merge by webhook name: only each caBundle changes; a concurrent edit makes it a conflict and a retry
    const written = await opts.client.patch<WebhookConfiguration>(
      webhookResources[kind],
      undefined,
      obj.metadata.name,
      { metadata: { annotations: { [INJECTED_BY]: opts.identity } }, webhooks },
      { resourceVersion: obj.metadata.resourceVersion, strategic: true },
    );
    const cas = bundle.cas.map((c) => c.fingerprint);
    opts.log.info(
      { config: `${obj.kind}/${obj.metadata.name}`, webhooks: webhooks.length, cas },
      'wrote the CA bundle into the webhook configuration',
    );
    await opts.events.event(
      { ...written, apiVersion: ADMISSION_V1, kind: webhookResources[kind].kind },
      'Normal',
      'CABundleInjected',
      `CA bundle of ${cas.length} CA(s) (${cas.join(', ')}) written into ${webhooks.length} webhook(s)`,
      'Inject',
    );
  }
}
