import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from '../kube/client.js';
import { KubeApiError } from '../kube/errors.js';
import { loadPolicy, namespaceIsProtected, PROTECTED_LABEL } from './policy.js';

const policy = (namespace: string, name: string, rv = '1'): KubeObject & { spec: unknown } => ({
  metadata: { namespace, name, resourceVersion: rv },
  spec: { levels: { medium: 'auto' } },
});
const cache = (...objs: (KubeObject & { spec: unknown })[]) => ({
  get: (ns: string | undefined, name: string) =>
    objs.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
});

describe('loadPolicy', () => {
  it.each([
    { why: 'the named one', objs: [policy('shop', 'strict')], ref: 'strict', want: 'RiskPolicy shop/strict' },
    {
      why: "the namespace's default",
      objs: [policy('shop', 'default'), policy('bosun-system', 'default')],
      ref: undefined,
      want: 'RiskPolicy shop/default',
    },
    {
      why: 'the cluster default',
      objs: [policy('bosun-system', 'default')],
      ref: undefined,
      want: 'RiskPolicy bosun-system/default',
    },
    { why: 'the built-in one', objs: [], ref: undefined, want: 'the built-in default policy' },
  ])('finds $why', ({ objs, ref, want }) => {
    expect(loadPolicy(cache(...objs), 'shop', ref, 'bosun-system')?.source).toBe(want);
  });

  it('finds nothing for a named policy that does not exist (never a default instead)', () => {
    expect(loadPolicy(cache(policy('shop', 'default')), 'shop', 'strict', 'bosun-system')).toBeUndefined();
  });

  it('versions a policy by its resourceVersion', () => {
    expect(loadPolicy(cache(policy('shop', 'default', '42')), 'shop', undefined, 'bosun-system')?.version).toBe(
      'shop/default@42',
    );
  });
});

describe('namespaceIsProtected', () => {
  const client = (labels: Record<string, string> | Error) =>
    ({
      get: async () => {
        if (labels instanceof Error) throw labels;
        return { metadata: { name: 'shop', labels } };
      },
    }) as unknown as KubeClient;

  it('reads the label', async () => {
    expect(await namespaceIsProtected(client({ [PROTECTED_LABEL]: 'true' }), 'shop')).toBe(true);
    expect(await namespaceIsProtected(client({ [PROTECTED_LABEL]: 'yes' }), 'shop')).toBe(false);
  });

  it('calls a namespace that is gone unprotected, and lets other errors through', async () => {
    const gone = new KubeApiError('BOSUN_ERR_KUBE_NOT_FOUND', 404, undefined, 'not found');
    expect(await namespaceIsProtected(client(gone), 'shop')).toBe(false);
    const down = new KubeApiError('BOSUN_ERR_KUBE_UNAVAILABLE', 0, undefined, 'ECONNREFUSED');
    await expect(namespaceIsProtected(client(down), 'shop')).rejects.toBe(down);
  });
});
