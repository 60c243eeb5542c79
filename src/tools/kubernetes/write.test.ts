import { describe, expect, it } from 'vitest';
import { hasCode, type ErrorCode } from '../../api/errors.js';
import { KubeClient } from '../../kube/client.js';
import type { KindMapper } from '../../kube/discovery.js';
import type { KubeRequest, KubeRest } from '../../kube/rest.js';
import type { ToolContext } from '../tool.js';
import { apply, manifestObjects, patch } from './apply.js';
import { del, rolloutRestart, scale, setImage } from './write.js';

const mapper: KindMapper = {
  resolve: async (apiVersion, kind) => {
    const known: Record<string, [string, string, boolean]> = {
      'v1/ConfigMap': ['', 'configmaps', true],
      'apps/v1/Deployment': ['apps', 'deployments', true],
      'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ['rbac.authorization.k8s.io', 'clusterrolebindings', false],
    };
    const hit = known[`${apiVersion}/${kind}`];
    if (!hit) throw Object.assign(new Error('unknown'), { code: 'BOSUN_ERR_KIND_UNKNOWN' });
    return { group: hit[0], version: apiVersion.split('/').at(-1) ?? '', plural: hit[1], kind, namespaced: hit[2] };
  },
};
const ctx = { namespace: 'demo', mapper };
const cm = (name: string, namespace?: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace && { namespace }) } });

describe('what each mutating tool asks of the API server', () => {
  it.each([
    {
      why: 'scale patches the scale subresource, nothing else',
      got: () => scale.access?.({ target: 'deployment/web', replicas: 3 }, ctx),
      want: [
        { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'demo', name: 'web' },
      ],
    },
    {
      why: 'a restart patches the workload',
      got: () => rolloutRestart.access?.({ target: 'statefulset/db' }, ctx),
      want: [{ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace: 'demo', name: 'db' }],
    },
    {
      why: 'set-image patches the workload',
      got: () => setImage.access?.({ target: 'deploy/web', container: 'app', image: 'nginx:2' }, ctx),
      want: [{ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' }],
    },
    {
      why: 'a patch names its target',
      got: () => patch.access?.({ target: 'configmap/settings', patch: {} }, ctx),
      want: [{ verb: 'patch', group: '', resource: 'configmaps', namespace: 'demo', name: 'settings' }],
    },
    {
      why: 'delete deletes',
      got: () => del.access?.({ target: 'service/web', propagationPolicy: 'Background' }, ctx),
      want: [{ verb: 'delete', group: '', resource: 'services', namespace: 'demo', name: 'web' }],
    },
    {
      why: 'apply creates and patches every object of the manifest',
      got: () => apply.access?.({ manifest: `${cm('a')}\n---\n${cm('b', 'demo')}` }, ctx),
      want: ['a', 'b'].flatMap((name) => [
        { verb: 'create', group: '', resource: 'configmaps', namespace: 'demo', name },
        { verb: 'patch', group: '', resource: 'configmaps', namespace: 'demo', name },
      ]),
    },
  ])('$why', async ({ got, want }) => {
    expect(await got()).toEqual(want);
  });
});

describe('manifestObjects confines an apply to the Goal namespace', () => {
  it.each([
    { why: 'another namespace', manifest: cm('x', 'kube-system'), code: 'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE' },
    {
      why: 'a cluster-scoped kind',
      manifest: JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'x' },
      }),
      code: 'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE',
    },
    {
      why: 'one bad document among good ones',
      manifest: `${cm('ok')}\n---\n${cm('bad', 'other')}`,
      code: 'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE',
    },
    {
      why: 'an object without a name',
      manifest: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}',
      code: 'BOSUN_ERR_TOOL_PARAMS',
    },
    { why: 'YAML that does not parse', manifest: 'a: [b', code: 'BOSUN_ERR_TOOL_PARAMS' },
  ])('refuses $why', async ({ manifest, code }) => {
    const err = await manifestObjects(manifest, ctx).catch((e: unknown) => e);
    expect(hasCode(err, code as ErrorCode), String(err)).toBe(true);
  });

  it('puts every object in the Goal namespace', async () => {
    const objects = await manifestObjects(cm('a'), ctx);
    expect(objects.map((o) => o.object.metadata.namespace)).toEqual(['demo']);
  });
});

describe('preconditions', () => {
  /** A client over a fake connection: reads answer an object at resourceVersion 42; writes are recorded. */
  const fake = () => {
    const writes: KubeRequest[] = [];
    const rest = {
      userAgent: 'test',
      request: async (req: KubeRequest) => {
        if (req.method === 'GET')
          return { metadata: { name: 'web', namespace: 'demo', resourceVersion: '42' }, spec: { replicas: 1 } };
        writes.push(req);
        return {};
      },
    } as unknown as KubeRest;
    const client = new KubeClient(rest, 'test');
    const tctx: ToolContext = {
      ...ctx,
      client,
      reader: client,
      dryRun: false,
      idempotencyKey: 'k',
      stepStartedAt: 't',
    };
    return { writes, tctx };
  };

  it.each([
    { why: 'scale', run: (c: ToolContext) => scale.execute(c, { target: 'deployment/web', replicas: 2 }) },
    { why: 'rollout-restart', run: (c: ToolContext) => rolloutRestart.execute(c, { target: 'deployment/web' }) },
    {
      why: 'set-image',
      run: (c: ToolContext) => setImage.execute(c, { target: 'deployment/web', container: 'app', image: 'x:2' }),
    },
    { why: 'patch', run: (c: ToolContext) => patch.execute(c, { target: 'deployment/web', patch: { a: 1 } }) },
  ])('$why writes only if the object is unchanged since it read it (resourceVersion)', async ({ run }) => {
    const { writes, tctx } = fake();
    await run(tctx);
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toMatchObject({ metadata: { resourceVersion: '42' } });
  });
});
