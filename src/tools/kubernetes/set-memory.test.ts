import { describe, expect, it } from 'vitest';
import { hasCode } from '../../api/errors.js';
import { KubeClient } from '../../kube/client.js';
import type { KindMapper } from '../../kube/discovery.js';
import type { KubeRequest, KubeRest } from '../../kube/rest.js';
import { ToolRegistry } from '../registry.js';
import type { TargetState, ToolContext } from '../tool.js';
import { kubernetesTools } from './index.js';
import { requestToWrite, setMemory, SetMemoryParams } from './set-memory.js';

const mapper: KindMapper = {
  resolve: async () => {
    throw new Error('not used');
  },
};
const web: TargetState = {
  kind: 'deployment',
  name: 'web',
  replicas: 3,
  revision: 4,
  containers: [
    { name: 'app', image: 'app:2', memoryLimit: '512Mi', memoryRequest: '256Mi' },
    { name: 'sidecar', image: 'proxy:1' },
  ],
};

describe('k8s.set-memory params', () => {
  it.each([
    { why: 'a limit alone', params: { target: 'deployment/web', container: 'app', limit: '768Mi' }, ok: true },
    {
      why: 'a request under the limit',
      params: { target: 'sts/db', container: 'app', limit: '1Gi', request: '512Mi' },
      ok: true,
    },
    {
      why: 'a request above the limit',
      params: { target: 'deployment/web', container: 'app', limit: '512Mi', request: '1Gi' },
      ok: false,
    },
    {
      why: 'a kind without a pod template',
      params: { target: 'service/web', container: 'app', limit: '1Gi' },
      ok: false,
    },
    { why: 'not a quantity', params: { target: 'deployment/web', container: 'app', limit: 'big' }, ok: false },
    {
      why: 'an unknown key (params are strict)',
      params: { target: 'deployment/web', container: 'app', limit: '1Gi', cpu: '2' },
      ok: false,
    },
  ])('$why', ({ params, ok }) => {
    expect(SetMemoryParams.safeParse(params).success).toBe(ok);
  });

  it('is a registered tool', () => {
    expect(new ToolRegistry(kubernetesTools()).get('k8s.set-memory')).toBe(setMemory);
  });
});

describe('k8s.set-memory undo, access and impact', () => {
  it.each([
    {
      why: 'the limit and request as they were',
      params: { target: 'deployment/web', container: 'app', limit: '768Mi' },
      want: {
        tool: 'k8s.set-memory',
        params: { target: 'deployment/web', container: 'app', limit: '512Mi', request: '256Mi' },
        description: "set app's memory limit back to 512Mi",
      },
    },
    {
      why: 'no undo when the container had no limit (removing one is not a step this tool takes)',
      params: { target: 'deployment/web', container: 'sidecar', limit: '768Mi' },
      want: undefined,
    },
    {
      why: 'no undo for another workload',
      params: { target: 'deployment/api', container: 'app', limit: '768Mi' },
      want: undefined,
    },
  ])('$why', ({ params, want }) => {
    expect(setMemory.undo?.(SetMemoryParams.parse(params), web)).toEqual(want);
  });

  it('patches the workload and replaces every pod', async () => {
    const p = SetMemoryParams.parse({ target: 'deploy/web', container: 'app', limit: '1Gi' });
    expect(await setMemory.access?.(p, { namespace: 'demo', mapper })).toEqual([
      { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'demo', name: 'web' },
    ]);
    expect(setMemory.impact?.(p, { replicas: 3 })).toEqual({ objects: 1, pods: 3 });
  });
});

describe('requestToWrite keeps the request at or under the limit', () => {
  it.each([
    { why: "the step's own request", limit: '1Gi', request: '512Mi', current: '2Gi', want: '512Mi' },
    {
      why: 'the current request fits: left alone',
      limit: '1Gi',
      request: undefined,
      current: '256Mi',
      want: undefined,
    },
    { why: 'the current request is above: lowered', limit: '256Mi', request: undefined, current: '1Gi', want: '256Mi' },
    { why: 'no request at all', limit: '256Mi', request: undefined, current: undefined, want: undefined },
  ])('$why', ({ limit, request, current, want }) => {
    expect(requestToWrite(limit, request, current)).toBe(want);
  });
});

describe('k8s.set-memory execute', () => {
  const fake = (containers: unknown[]) => {
    const writes: KubeRequest[] = [];
    const rest = {
      userAgent: 'test',
      request: async (req: KubeRequest) => {
        if (req.method === 'GET')
          return {
            metadata: { name: 'web', namespace: 'demo', resourceVersion: '42' },
            spec: { template: { spec: { containers } } },
          };
        writes.push(req);
        return {};
      },
    } as unknown as KubeRest;
    const client = new KubeClient(rest, 'test');
    const ctx: ToolContext = {
      namespace: 'demo',
      mapper,
      client,
      reader: client,
      dryRun: false,
      idempotencyKey: 'k',
      stepStartedAt: 't',
    };
    return { writes, ctx };
  };

  it('writes a strategic merge patch of the one container, guarded by resourceVersion', async () => {
    const { writes, ctx } = fake([
      { name: 'app', resources: { limits: { memory: '512Mi' }, requests: { memory: '1Gi' } } },
    ]);
    await setMemory.execute(ctx, SetMemoryParams.parse({ target: 'deployment/web', container: 'app', limit: '768Mi' }));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.contentType).toBe('application/strategic-merge-patch+json');
    expect(writes[0]?.body).toEqual({
      spec: {
        template: {
          spec: {
            containers: [{ name: 'app', resources: { limits: { memory: '768Mi' }, requests: { memory: '768Mi' } } }],
          },
        },
      },
      metadata: { resourceVersion: '42' },
    });
  });

  it('refuses a container the workload does not have, writing nothing', async () => {
    const { writes, ctx } = fake([{ name: 'app' }]);
    const err = await setMemory
      .execute(ctx, SetMemoryParams.parse({ target: 'deployment/web', container: 'nope', limit: '1Gi' }))
      .catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_TOOL_FAILED')).toBe(true);
    expect(writes).toHaveLength(0);
  });
});
