import { describe, expect, it } from 'vitest';
import { podEvidence, podTrouble, type PodObject } from './pod.js';

const NOW = new Date('2026-03-01T12:00:00Z');

/** A Pod as the API server returns it, with one container `app` in the given state. */
const podWith = (status: Record<string, unknown>, extra: Partial<PodObject> = {}): PodObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'demo', labels: { app: 'web', 'pod-template-hash': 'abc' } },
  spec: { containers: [{ name: 'app', image: 'app:2', resources: { limits: { memory: '512Mi' } } }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: status.ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'app', image: 'docker.io/library/app:2', ready: false, restartCount: 0, ...status }],
  },
  ...extra,
});

describe('podTrouble', () => {
  it.each([
    {
      why: 'a crash loop',
      pod: podWith({
        restartCount: 5,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 2, finishedAt: '2026-03-01T11:59:00Z' } },
      }),
      want: { kind: 'CrashLoop', reason: 'CrashLoopBackOff', exitCode: 2, restartCount: 5 },
    },
    {
      why: 'a pull that fails',
      pod: podWith({ state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }),
      want: { kind: 'ImagePull', reason: 'ErrImagePull', image: 'app:2', message: 'not found' },
    },
    {
      why: 'an OOM kill seen in the last state while it backs off',
      pod: podWith({
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-03-01T11:59:30Z' } },
      }),
      want: { kind: 'OOMKilled', reason: 'OOMKilled', exitCode: 137 },
    },
    {
      why: 'an OOM kill in the current state',
      pod: podWith({ state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }),
      want: { kind: 'OOMKilled' },
    },
    {
      why: 'a container that cannot be created',
      pod: podWith({
        state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } },
      }),
      want: { kind: 'StartError', reason: 'CreateContainerConfigError' },
    },
    {
      why: 'an init container that crash-loops holds the pod back',
      pod: podWith(
        { ready: false, state: { waiting: { reason: 'PodInitializing' } } },
        {
          status: {
            phase: 'Pending',
            initContainerStatuses: [
              {
                name: 'migrate',
                image: 'migrate:1',
                ready: false,
                restartCount: 3,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
              },
            ],
            containerStatuses: [
              { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
            ],
          },
        },
      ),
      want: { kind: 'CrashLoop', container: 'migrate', image: 'migrate:1' },
    },
  ])('$why', ({ pod, want }) => {
    expect(podTrouble(pod, NOW)).toMatchObject({ pod: 'web-1', ...want });
  });

  it.each([
    { why: 'a healthy pod', pod: podWith({ ready: true, state: { running: {} } }), now: NOW },
    {
      why: 'an OOM kill long ago of a container Ready since',
      pod: podWith({
        ready: true,
        restartCount: 1,
        state: { running: {} },
        lastState: { terminated: { reason: 'OOMKilled', finishedAt: '2026-02-20T00:00:00Z' } },
      }),
      now: NOW,
    },
    {
      why: 'an old OOM kill of a Ready container, without a clock to tell how old',
      pod: podWith({
        ready: true,
        state: { running: {} },
        lastState: { terminated: { reason: 'OOMKilled', finishedAt: '2026-03-01T11:59:00Z' } },
      }),
      now: undefined,
    },
    {
      why: 'a pod being deleted',
      pod: podWith(
        { state: { waiting: { reason: 'CrashLoopBackOff' } } },
        { metadata: { name: 'web-1', deletionTimestamp: '2026-03-01T11:59:00Z' } },
      ),
      now: NOW,
    },
  ])('none for $why', ({ pod, now }) => {
    expect(podTrouble(pod, now)).toBeUndefined();
  });

  it('counts a recent OOM kill of a container that runs again, given the clock', () => {
    const pod = podWith({
      ready: true,
      restartCount: 1,
      state: { running: {} },
      lastState: { terminated: { reason: 'OOMKilled', finishedAt: '2026-03-01T11:58:00Z' } },
    });
    expect(podTrouble(pod, NOW)?.kind).toBe('OOMKilled');
  });
});

describe('podEvidence', () => {
  it("reads the spec's image and memory limit, the template hash and why it is not scheduled", () => {
    const pod = podWith(
      {},
      {
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' }],
        },
      },
    );
    expect(podEvidence(pod)).toEqual({
      name: 'web-1',
      phase: 'Pending',
      ready: false,
      created: undefined,
      terminating: false,
      templateHash: 'abc',
      unschedulable: 'Unschedulable: 0/3 nodes',
      containers: [],
    });
    expect(podEvidence(podWith({})).containers[0]).toMatchObject({ image: 'app:2', memoryLimit: '512Mi' });
  });
});
