import { describe, expect, it } from 'vitest';
import { hasCode } from '../../api/errors.js';
import { KubeClient } from '../../kube/client.js';
import { apiError } from '../../kube/errors.js';
import type { KubeRequest, KubeRest } from '../../kube/rest.js';
import {
  gatherHealEvidence,
  limitRangeMaxMemory,
  podWindow,
  revisionEvidence,
  selectorString,
  workloadEvidence,
} from './evidence.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'demo',
    uid: 'd1',
    generation: 5,
    annotations: { 'deployment.kubernetes.io/revision': '4' },
  },
  spec: {
    replicas: 3,
    progressDeadlineSeconds: 300,
    selector: { matchLabels: { app: 'web' } },
    template: {
      spec: { containers: [{ name: 'app', image: 'app:2', resources: { limits: { memory: '512Mi', cpu: '1' } } }] },
    },
  },
  status: {
    observedGeneration: 5,
    readyReplicas: 2,
    availableReplicas: 2,
    updatedReplicas: 1,
    conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
  },
};

const rs = (revision: number, image: string, ready: number, owner = 'd1') => ({
  metadata: {
    name: `web-rs${revision}`,
    uid: `rs${revision}`,
    creationTimestamp: `2026-03-0${revision}T00:00:00Z`,
    labels: { app: 'web', 'pod-template-hash': `h${revision}` },
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner }],
  },
  spec: { replicas: ready || 1, template: { spec: { containers: [{ name: 'app', image }] } } },
  status: { readyReplicas: ready },
});

const pod = (name: string, owner: string, state: Record<string, unknown>, ready = false) => ({
  metadata: {
    name,
    uid: `uid-${name}`,
    labels: { app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner }],
  },
  spec: { containers: [{ name: 'app', image: 'app:2' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'app', ready, restartCount: 3, ...state }],
  },
});

const crashing = {
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2026-03-04T11:00:00Z' } },
};

/** A fake API server: answers by path; records every request. */
function fakeApi(over: Partial<Record<string, (req: KubeRequest) => unknown>> = {}) {
  const seen: KubeRequest[] = [];
  const routes: Record<string, (req: KubeRequest) => unknown> = {
    '/apis/apps/v1/namespaces/demo/deployments/web': () => deployment,
    '/apis/apps/v1/namespaces/demo/replicasets': () => ({
      metadata: {},
      items: [rs(4, 'app:2', 0), rs(3, 'app:1', 2), rs(2, 'app:0', 0), rs(9, 'other:1', 1, 'someone-else')],
    }),
    '/api/v1/namespaces/demo/pods': () => ({
      metadata: {},
      items: [
        pod('web-new', 'rs4', crashing),
        pod('web-old-1', 'rs3', { state: { running: {} } }, true),
        pod('stranger', 'rs9', crashing),
      ],
    }),
    '/api/v1/namespaces/demo/events': (req) => ({
      metadata: {},
      items:
        req.query?.fieldSelector === 'involvedObject.uid=uid-web-new'
          ? [
              {
                metadata: { name: 'e1', resourceVersion: '10' },
                type: 'Warning',
                reason: 'BackOff',
                message: 'Back-off restarting failed container',
                involvedObject: { kind: 'Pod', name: 'web-new' },
                count: 7,
              },
            ]
          : [],
    }),
    '/api/v1/namespaces/demo/limitranges': () => ({
      metadata: {},
      items: [
        { metadata: { name: 'a' }, spec: { limits: [{ type: 'Container', max: { memory: '2Gi' } }] } },
        { metadata: { name: 'b' }, spec: { limits: [{ type: 'Pod', max: { memory: '1Gi' } }] } },
      ],
    }),
    '/api/v1/namespaces/demo/pods/web-new/log': () => 'starting\npanic: DATABASE_URL is not set\n',
    ...over,
  };
  const answer = (req: KubeRequest) => {
    seen.push(req);
    const route = routes[req.path];
    if (!route) throw apiError(404, '{"reason":"NotFound"}', `get ${req.path}`);
    return route(req);
  };
  const rest = {
    userAgent: 'test',
    request: async (req: KubeRequest) => answer(req),
    requestText: async (req: KubeRequest) => answer(req) as string,
  } as unknown as KubeRest;
  return { client: new KubeClient(rest, 'test'), seen };
}

const target = { namespace: 'demo', kind: 'Deployment', name: 'web' };

describe('gatherHealEvidence', () => {
  it('reads the target, its own revisions and pods, their Events, the previous log and the LimitRange', async () => {
    const { client, seen } = fakeApi();
    const lastChange = { kind: 'Goal' as const, name: 'deploy-v2', at: '2026-03-04T10:50:00Z' };
    const e = await gatherHealEvidence(client, target, { lastChange, recordedGood: [2] });
    expect(e.workload).toMatchObject({ kind: 'Deployment', revision: 4, replicas: 3, progressDeadlineSeconds: 300 });
    expect(e.workload?.containers).toEqual([{ name: 'app', image: 'app:2', memoryLimit: '512Mi' }]);
    expect(e.revisions.map((r) => [r.revision, r.ready])).toEqual([
      [4, 'unknown'],
      [3, 'ready-now'],
      [2, 'recorded'],
    ]);
    expect(e.pods.map((p) => p.name)).toEqual(['web-new', 'web-old-1']);
    expect(e.events).toEqual([
      {
        type: 'Warning',
        reason: 'BackOff',
        object: 'Pod/web-new',
        message: 'Back-off restarting failed container',
        count: 7,
      },
    ]);
    expect(e.logs).toEqual([
      { pod: 'web-new', container: 'app', lines: ['starting', 'panic: DATABASE_URL is not set'] },
    ]);
    expect(e.limitRangeMaxMemory).toBe('2Gi');
    expect(e.lastChange).toEqual(lastChange);
    expect(e.gaps).toEqual([]);
    // read-only and bounded: GETs only, every list one page with a limit
    expect(seen.every((r) => r.method === 'GET')).toBe(true);
    for (const r of seen.filter((x) => x.verb === 'list')) expect(r.query?.limit).toBeGreaterThan(0);
    const log = seen.find((r) => r.path.endsWith('/log'));
    expect(log?.query).toMatchObject({ previous: true, tailLines: 50, container: 'app' });
  });

  it('takes a 400 for a previous log (no previous container) as no log, not as a failure', async () => {
    const { client } = fakeApi({
      '/api/v1/namespaces/demo/pods/web-new/log': () => {
        throw apiError(400, '{"message":"previous terminated container \\"app\\" not found"}', 'get log');
      },
    });
    const e = await gatherHealEvidence(client, target);
    expect(e.logs).toEqual([]);
    expect(e.gaps).toEqual([]);
  });

  it('names what it could not read, and decides on the rest', async () => {
    const { client } = fakeApi({
      '/api/v1/namespaces/demo/limitranges': () => {
        throw apiError(403, '{"reason":"Forbidden"}', 'list limitranges');
      },
    });
    const e = await gatherHealEvidence(client, target);
    expect(e.gaps).toHaveLength(1);
    expect(e.gaps[0]).toContain('could not read limitranges');
    expect(e.limitRangeMaxMemory).toBeUndefined();
    expect(e.pods.length).toBeGreaterThan(0);
  });

  it('says the target is gone when it is', async () => {
    const { client } = fakeApi({
      '/apis/apps/v1/namespaces/demo/deployments/web': () => {
        throw apiError(404, '{"reason":"NotFound"}', 'get');
      },
    });
    expect((await gatherHealEvidence(client, target)).workload).toBeNull();
  });

  it('refuses a kind it cannot heal', async () => {
    const { client } = fakeApi();
    const err = await gatherHealEvidence(client, { ...target, kind: 'Service' }).catch((x: unknown) => x);
    expect(hasCode(err, 'BOSUN_ERR_TERMINAL')).toBe(true);
  });
});

describe('the pure parts', () => {
  it.each([
    { why: 'labels', s: { matchLabels: { app: 'web', tier: 'fe' } }, want: 'app=web,tier=fe' },
    {
      why: 'expressions',
      s: {
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'Exists' },
          { key: 'y', operator: 'DoesNotExist' },
          { key: 'z', operator: 'NotIn', values: ['c'] },
        ],
      },
      want: 'env in (a,b),x,!y,z notin (c)',
    },
    { why: 'none', s: undefined, want: '' },
  ])('selectorString: $why', ({ s, want }) => {
    expect(selectorString(s)).toBe(want);
  });

  it('reads a DaemonSet by its per-node counts and a StatefulSet by its update revision', () => {
    const ds = workloadEvidence(
      {
        metadata: { name: 'agent' },
        status: { desiredNumberScheduled: 4, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 4 },
      },
      'DaemonSet',
    );
    expect(ds).toMatchObject({ replicas: 4, readyReplicas: 3, updatedReplicas: 4 });
    expect(ds.progressDeadlineSeconds).toBeUndefined();
    const sts = workloadEvidence(
      { metadata: { name: 'db' }, spec: { replicas: 2 }, status: { updateRevision: 'db-abc' } },
      'StatefulSet',
    );
    expect(sts).toMatchObject({ replicas: 2, revisionName: 'db-abc' });
  });

  it.each([
    { why: 'Ready pods now', ready: 2, recorded: [], want: 'ready-now' },
    { why: 'Bosun saw it healthy', ready: 0, recorded: [3], want: 'recorded' },
    { why: 'scaled to 0, never seen: not known', ready: 0, recorded: [], want: 'unknown' },
  ])('revision readiness: $why', ({ ready, recorded, want }) => {
    expect(revisionEvidence(rs(3, 'app:1', ready), recorded)?.ready).toBe(want);
  });

  it.each([
    { why: 'none', items: [], want: undefined },
    {
      why: 'the smallest Container max across LimitRanges, whatever its units',
      items: [
        { metadata: { name: 'a' }, spec: { limits: [{ type: 'Container', max: { memory: '2Gi' } }] } },
        { metadata: { name: 'b' }, spec: { limits: [{ type: 'Container', max: { memory: '1500M' } }] } },
      ],
      want: '1500M',
    },
    {
      why: 'a Pod max is not a container max',
      items: [{ metadata: { name: 'a' }, spec: { limits: [{ type: 'Pod', max: { memory: '1Gi' } }] } }],
      want: undefined,
    },
  ])('limitRangeMaxMemory: $why', ({ items, want }) => {
    expect(limitRangeMaxMemory(items)).toBe(want);
  });

  it('shows troubled pods first when there are more than it keeps', () => {
    const healthy = Array.from({ length: 60 }, (_, i) => ({
      name: `ok-${i}`,
      phase: 'Running',
      ready: true,
      terminating: false,
      containers: [],
    }));
    const sick = {
      name: 'sick',
      phase: 'Running',
      ready: false,
      terminating: false,
      containers: [
        {
          name: 'app',
          init: false,
          image: 'a',
          ready: false,
          restartCount: 1,
          waiting: { reason: 'CrashLoopBackOff' },
        },
      ],
    };
    const shown = podWindow([...healthy, sick]);
    expect(shown).toHaveLength(50);
    expect(shown[0]?.name).toBe('sick');
  });
});
