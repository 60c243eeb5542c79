// Wires the webhook's serving certificate into an operator instance. With
// --webhook-cert-secret: a watch of that one Secret and of the two webhook
// configurations (each by name: RBAC names them too), on every replica; the
// Secret's certificate is what this replica serves, and until it has one
// /readyz says so. Only the leader runs the rotator (a controller, started on
// takeover), which writes the Secret and the CA bundles. With
// --webhook-cert-dir: the folder's certificate. Either way the certificate's
// end is a gauge.
import { errorMessage } from '../../api/errors.js';
import type { KubeClient } from '../../kube/client.js';
import { KubeEventRecorder } from '../../kube/events.js';
import { core } from '../../kube/resources.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import type { WebhookTls } from './flags.js';
import { certRotator, webhookResources, type SecretObject, type WebhookConfiguration } from './rotator.js';
import { dirCertSource, secretCertSource, type CertSource } from './sources.js';

export const WEBHOOK_CERTS_CONTROLLER = 'webhook-certs';
const KEY = 'webhook-certs';

export interface WebhookCertOptions {
  manager: Manager;
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  /** this replica */
  identity: string;
  now?: () => number;
}

/** Where the webhook server's certificate comes from, per the flags (webhookTls in flags.ts). */
export function webhookCertSource(tls: NonNullable<WebhookTls>, opts: WebhookCertOptions): CertSource {
  const log = opts.log.child({ component: WEBHOOK_CERTS_CONTROLLER });
  const certs = 'dir' in tls ? dirCertSource(tls.dir, log) : managedCerts(tls.secret, { ...opts, log });
  const expiry = opts.metrics.webhookCertExpiry;
  const current = certs.current();
  if (current) expiry.set(current.info.notAfter / 1000);
  certs.onChange((c) => expiry.set(c.info.notAfter / 1000));
  opts.manager.addReadinessCheck('no webhook serving certificate yet', () => certs.current() !== undefined);
  opts.manager.onStop(async () => certs.stop());
  return certs;
}

function managedCerts(
  secret: Extract<WebhookTls, { secret: unknown }>['secret'],
  opts: WebhookCertOptions,
): CertSource {
  const { manager, log, metrics } = opts;
  const byName = (name: string) => `metadata.name=${name}`;
  const secrets = new Informer<SecretObject>({
    client: opts.client,
    resource: core.secrets,
    namespace: secret.namespace,
    fieldSelector: byName(secret.name),
    log,
    observer: informerMetrics(metrics, 'webhook-cert-secret'),
  });
  const configs = (kind: 'mutating' | 'validating') =>
    new Informer<WebhookConfiguration>({
      client: opts.client,
      resource: webhookResources[kind],
      fieldSelector: byName(secret.configurations),
      log,
      observer: informerMetrics(metrics, webhookResources[kind].plural),
    });
  const informers = { secret: secrets, mutating: configs('mutating'), validating: configs('validating') };
  const client = manager.leaderClient(opts.client, 'bosun-webhook-certs');
  const controller = new Controller({
    name: WEBHOOK_CERTS_CONTROLLER,
    log,
    metrics,
    workers: 1,
    reconcile: certRotator({
      client,
      events: new KubeEventRecorder(client, 'bosun.dev/webhook-certs', opts.identity, (err) =>
        log.warn({ err: errorMessage(err) }, 'could not record an Event'),
      ),
      log,
      identity: opts.identity,
      secret,
      configurations: secret.configurations,
      settings: secret.settings,
      informers,
      now: opts.now,
    }),
  });
  // any change to the three objects (an edited-away CA bundle too) is looked at; the key waits for the lease
  const wake = { onAdd: () => controller.enqueue(KEY), onUpdate: () => controller.enqueue(KEY) };
  for (const informer of Object.values(informers)) {
    informer.addHandlers({ ...wake, onDelete: () => controller.enqueue(KEY) });
    manager.addInformer(informer);
  }
  controller.enqueue(KEY);
  manager.addController(controller);
  return secretCertSource(secrets, `${secret.namespace}/${secret.name}`, log);
}
