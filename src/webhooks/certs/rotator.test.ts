// The rotator's act step against fakes: what it writes, how, and what it says.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { Resource } from '../../kube/resources.js';
import { createLogger } from '../../telemetry/logger.js';
import { DAY_MS } from './decide.js';
import {
  certRotator,
  INJECTED_BY,
  ISSUED_BY,
  ownersFor,
  type SecretObject,
  type WebhookConfiguration,
} from './rotator.js';
import { CA_KEY, readPems } from './secret-data.js';
import { secretCertSource } from './sources.js';

const NOW = Date.now();
const settings = { hosts: ['hook.ns.svc', '127.0.0.1'], certValidityMs: 30 * DAY_MS, caValidityMs: 90 * DAY_MS };
const ref = { namespace: 'ns', name: 'hook-cert' };

interface Call {
  verb: 'create' | 'patch';
  resource: string;
  name?: string;
  body: Record<string, unknown>;
  opts?: Record<string, unknown>;
}

function world(objects: { secret?: SecretObject; mutating?: WebhookConfiguration; validating?: WebhookConfiguration }) {
  const calls: Call[] = [];
  const events: { reason: string; note: string; regarding: string }[] = [];
  const lines: string[] = [];
  const store = { ...objects };
  const client = {
    create: async <T>(r: Resource, obj: KubeObject) => {
      calls.push({ verb: 'create', resource: r.plural, body: obj });
      const made = { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '1' } };
      store.secret = made as SecretObject;
      return made as T;
    },
    patch: async <T>(r: Resource, _ns: string | undefined, name: string, body: Record<string, unknown>, opts = {}) => {
      calls.push({ verb: 'patch', resource: r.plural, name, body, opts });
      return { apiVersion: 'v1', kind: r.kind, metadata: { name, uid: 'u2' } } as T;
    },
  };
  const getter = <T extends KubeObject>(key: 'secret' | 'mutating' | 'validating') => ({
    get: () => store[key] as T | undefined,
  });
  const rotate = certRotator({
    client,
    events: { event: async (o, _t, reason, note) => void events.push({ reason, note, regarding: o.metadata.name }) },
    log: createLogger({
      level: 'info',
      destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }),
    }),
    identity: 'replica-a',
    secret: ref,
    configurations: 'hook',
    settings,
    informers: { secret: getter('secret'), mutating: getter('mutating'), validating: getter('validating') },
    now: () => NOW,
  });
  return { calls, events, lines, store, rotate };
}

const config = (kind: string, annotations?: Record<string, string>): WebhookConfiguration => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind,
  metadata: { name: 'hook', uid: `uid-${kind}`, resourceVersion: '7', annotations },
  webhooks: [{ name: 'a.bosun.dev', clientConfig: {} }, { name: 'b.bosun.dev' }],
});

describe('the certificate rotator', () => {
  it('creates the Secret (kubernetes.io/tls, naming its writer), says so, and never shows a key', async () => {
    const w = world({});
    expect((await w.rotate()).requeueAfter).toBeGreaterThan(0);
    expect(w.calls).toHaveLength(1);
    const [create] = w.calls;
    expect(create).toMatchObject({
      verb: 'create',
      resource: 'secrets',
      body: {
        type: 'kubernetes.io/tls',
        metadata: { name: 'hook-cert', namespace: 'ns', annotations: { [ISSUED_BY]: 'replica-a' } },
      },
    });
    const data = (create?.body.data ?? {}) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(w.events.map((e) => e.reason)).toEqual(['CertificateAuthorityCreated']);
    expect(w.events[0]?.note).toMatch(
      /no Secret yet: new CA .* serving certificate .* for 127\.0\.0\.1, hook\.ns\.svc/,
    );
    const said = [...w.lines, ...w.events.map((e) => e.note)].join('\n');
    expect(said).not.toContain('PRIVATE KEY');
    expect(said).not.toContain((data[CA_KEY] ?? '').slice(10, 60));
    expect(said).toContain('ns/hook-cert');
  });

  it('then writes the CA bundle into each webhook by name under resourceVersion, warning of cert-manager', async () => {
    const w = world({
      mutating: config('MutatingWebhookConfiguration', { 'cert-manager.io/inject-ca-from': 'ns/hook' }),
      validating: config('ValidatingWebhookConfiguration'),
    });
    await w.rotate(); // the Secret, owned by both configurations
    expect(w.calls[0]?.body.metadata).toMatchObject({
      ownerReferences: [
        { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: 'hook' },
        { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', name: 'hook' },
      ],
    });
    await w.rotate(); // the bundles
    const bundle = (w.store.secret?.data ?? {})['ca.crt'];
    const patches = w.calls.filter((c) => c.verb === 'patch');
    expect(patches.map((p) => p.resource)).toEqual([
      'mutatingwebhookconfigurations',
      'validatingwebhookconfigurations',
    ]);
    for (const p of patches) {
      expect(p.opts).toEqual({ resourceVersion: '7', strategic: true });
      expect(p.body).toEqual({
        metadata: { annotations: { [INJECTED_BY]: 'replica-a' } },
        webhooks: [
          { name: 'a.bosun.dev', clientConfig: { caBundle: bundle } },
          { name: 'b.bosun.dev', clientConfig: { caBundle: bundle } },
        ],
      });
    }
    expect(w.events.map((e) => e.reason)).toEqual([
      'CertificateAuthorityCreated',
      'CABundleInjected',
      'CABundleInjected',
    ]);
    expect(w.lines.filter((l) => l.includes('cert-manager.io/inject-ca-from is set'))).toHaveLength(1);
  });

  it('every replica serves what the Secret holds, and only a pair that fits', async () => {
    const w = world({});
    await w.rotate();
    const handlers: { onAdd?: (s: SecretObject) => void; onUpdate?: (a: SecretObject, b: SecretObject) => void }[] = [];
    const source = secretCertSource(
      { addHandlers: (h) => void handlers.push(h) },
      'ns/hook-cert',
      createLogger({ level: 'silent' }),
    );
    const seen: string[] = [];
    source.onChange((c) => seen.push(c.info.fingerprint));
    expect(source.current()).toBeUndefined();
    const secret = w.store.secret as SecretObject;
    handlers[0]?.onAdd?.(secret);
    const first = source.current()?.info.fingerprint;
    expect(first).toBeDefined();
    expect(source.current()?.cert).toBe(readPems(secret.data).cert);
    // a key that is not the certificate's: kept as it was
    const swapped = { ...secret, data: { ...secret.data, 'tls.key': secret.data?.[CA_KEY] ?? '' } };
    handlers[0]?.onUpdate?.(secret, swapped);
    expect(source.current()?.info.fingerprint).toBe(first);
    expect(seen).toEqual([first]);
  });

  it('the Secret goes with the configurations it serves: owned by each, beside owners of anyone else', () => {
    const configs = [
      { kind: 'mutating' as const, obj: config('MutatingWebhookConfiguration') },
      { kind: 'validating' as const, obj: config('ValidatingWebhookConfiguration') },
    ];
    const other = { apiVersion: 'example.com/v1', kind: 'Thing', name: 't', uid: 'other' };
    const secret = (ownerReferences?: SecretObject['metadata']['ownerReferences']): SecretObject => ({
      metadata: { name: 'hook-cert', ownerReferences },
    });
    const owners = ownersFor(secret([other]), configs);
    expect(owners?.map((o) => o.uid)).toEqual([
      'other',
      'uid-MutatingWebhookConfiguration',
      'uid-ValidatingWebhookConfiguration',
    ]);
    expect(ownersFor(secret(owners), configs)).toBeUndefined();
    // one configuration gone: owned by the other only
    expect(ownersFor(secret(owners), configs.slice(1))?.map((o) => o.uid)).toEqual([
      'other',
      'uid-ValidatingWebhookConfiguration',
    ]);
    expect(ownersFor(secret(), [])).toBeUndefined();
  });
});
