// Small evidence fixtures for the Heal agent's table tests: a healthy
// Deployment web (3 replicas, revision 4, container app at app:2 with 512Mi),
// changed per case.
import {
  HealEvidence,
  type ContainerStatusEvidence,
  type HealEvidenceInput,
  type PodEvidence,
  type RevisionEvidence,
  type WorkloadEvidence,
} from './evidence.js';

export const NOW = new Date('2026-03-01T12:00:00Z');
export const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60e3).toISOString().replace(/\.000Z$/, 'Z');

export const deployment = (o: Partial<WorkloadEvidence> = {}): WorkloadEvidence => ({
  kind: 'Deployment',
  name: 'web',
  generation: 5,
  observedGeneration: 5,
  replicas: 3,
  readyReplicas: 3,
  availableReplicas: 3,
  updatedReplicas: 3,
  conditions: [
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
  ],
  progressDeadlineSeconds: 600,
  paused: false,
  containers: [{ name: 'app', image: 'app:2', memoryLimit: '512Mi', memoryRequest: '256Mi' }],
  revision: 4,
  ...o,
});

export const revision = (n: number, image: string, o: Partial<RevisionEvidence> = {}): RevisionEvidence => ({
  revision: n,
  name: `web-rs${n}`,
  podTemplateHash: `rs${n}`,
  images: [{ container: 'app', image }],
  created: minutesAgo(60 * 24 * (10 - n)),
  replicas: 0,
  readyReplicas: 0,
  ready: 'unknown',
  ...o,
});

export const container = (o: Partial<ContainerStatusEvidence> = {}): ContainerStatusEvidence => ({
  name: 'app',
  init: false,
  image: 'app:2',
  ready: true,
  restartCount: 0,
  memoryLimit: '512Mi',
  ...o,
});

export const pod = (
  name: string,
  c: Partial<ContainerStatusEvidence> = {},
  o: Partial<PodEvidence> = {},
): PodEvidence => ({
  name,
  phase: 'Running',
  ready: c.ready ?? true,
  terminating: false,
  templateHash: 'rs4',
  containers: [container(c)],
  ...o,
});

const crashing = { ready: false, waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } };

export const crashLoop = (o: Partial<ContainerStatusEvidence> = {}) => ({
  ...crashing,
  restartCount: 6,
  lastTerminated: { reason: 'Error', exitCode: 1, finishedAt: minutesAgo(2) },
  ...o,
});

export const oomKilled = (o: Partial<ContainerStatusEvidence> = {}) => ({
  ...crashing,
  restartCount: 4,
  lastTerminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: minutesAgo(1) },
  ...o,
});

export const imagePull = (image: string) => ({
  image,
  ready: false,
  waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` },
});

export const evidence = (o: Partial<HealEvidenceInput> = {}): HealEvidence =>
  HealEvidence.parse({
    namespace: 'demo',
    workload: deployment(),
    revisions: [revision(4, 'app:2', { replicas: 3, readyReplicas: 3, ready: 'ready-now' }), revision(3, 'app:1')],
    pods: ['a', 'b', 'c'].map((x) => pod(`web-rs4-${x}`)),
    ...o,
  });

/**
 * A rollout of revision 4 (app:2) ten minutes ago by Goal deploy-v2 whose one new pod crash-loops, while two
 * pods of revision 3 (app:1) still serve.
 */
export const badRollout = (o: Partial<HealEvidenceInput> = {}): HealEvidence =>
  evidence({
    workload: deployment({ readyReplicas: 2, availableReplicas: 2, updatedReplicas: 1 }),
    revisions: [
      revision(4, 'app:2', { created: minutesAgo(10), replicas: 1 }),
      revision(3, 'app:1', { replicas: 2, readyReplicas: 2, ready: 'ready-now' }),
      revision(2, 'app:0'),
    ],
    pods: [
      pod('web-rs4-a', crashLoop()),
      pod('web-rs3-a', { image: 'app:1' }, { templateHash: 'rs3' }),
      pod('web-rs3-b', { image: 'app:1' }, { templateHash: 'rs3' }),
    ],
    lastChange: { kind: 'Goal', name: 'deploy-v2', at: minutesAgo(10) },
    logs: [{ pod: 'web-rs4-a', container: 'app', lines: ['starting', 'panic: DATABASE_URL is not set'] }],
    ...o,
  });
