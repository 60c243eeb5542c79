import { describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import type { KubeClient } from './client.js';
import { DiscoveryMapper } from './discovery.js';
import { KubeApiError } from './errors.js';
import type { KubeRequest } from './rest.js';

const lists: Record<string, unknown> = {
  '/api/v1': {
    resources: [
      { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
      { name: 'namespaces', kind: 'Namespace', namespaced: false },
      { name: 'pods/log', kind: 'Pod', namespaced: true },
      { name: 'pods', kind: 'Pod', namespaced: true },
    ],
  },
  '/apis/rbac.authorization.k8s.io/v1': {
    resources: [{ name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }],
  },
};

function mapper() {
  const asked: string[] = [];
  const rest = {
    request: async (req: KubeRequest) => {
      asked.push(req.path);
      const list = lists[req.path];
      if (!list) throw new KubeApiError('BOSUN_ERR_KUBE_NOT_FOUND', 404, undefined, 'not found');
      return list;
    },
  };
  return { m: new DiscoveryMapper({ rest } as unknown as KubeClient), asked };
}

describe('DiscoveryMapper', () => {
  it.each([
    { why: 'a core kind', apiVersion: 'v1', kind: 'ConfigMap', want: { plural: 'configmaps', namespaced: true } },
    { why: 'a cluster-scoped kind', apiVersion: 'v1', kind: 'Namespace', want: { namespaced: false } },
    { why: 'a subresource is never the answer', apiVersion: 'v1', kind: 'Pod', want: { plural: 'pods' } },
    {
      why: 'a grouped kind',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      want: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: false },
    },
  ])('resolves $why', async ({ apiVersion, kind, want }) => {
    expect(await mapper().m.resolve(apiVersion, kind)).toMatchObject(want);
  });

  it.each([
    { why: 'an unknown kind', apiVersion: 'v1', kind: 'Unicorn' },
    { why: 'an unknown group version', apiVersion: 'example.com/v9', kind: 'Thing' },
    { why: 'a malformed apiVersion', apiVersion: '../../api', kind: 'ConfigMap' },
  ])('refuses $why with BOSUN_ERR_KIND_UNKNOWN', async ({ apiVersion, kind }) => {
    const err = await mapper()
      .m.resolve(apiVersion, kind)
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_KIND_UNKNOWN')).toBe(true);
  });

  it('asks the API server once per group version', async () => {
    const { m, asked } = mapper();
    await m.resolve('v1', 'ConfigMap');
    await m.resolve('v1', 'Pod');
    expect(asked).toEqual(['/api/v1']);
  });
});
