// Bosun's KWOK stages (hack/control-plane/kwok-stages/) on the real control plane: Deployments rolled out
// by the real controller-manager and scheduler onto KWOK nodes, whose pods fail the ways Remediations heal
// (an image that cannot be pulled, a container OOM-killed under its memory limit, one that crashes), with
// the status a kubelet would give them; the fix (a higher limit, another image) makes the next pods ready.
import { beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { kubectlOk, useNamespace } from '../support/cluster.js';
import {
  applyDeployment,
  CRASH_IMAGE,
  getDeployment,
  HUNGRY_IMAGE,
  HUNGRY_MEMORY_LIMIT,
  NEVER_READY_IMAGE,
  NO_SUCH_IMAGE,
  NO_SUCH_IMAGE_REPOSITORY,
  waitRolledOut,
} from '../support/workloads.js';

interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state: { waiting?: { reason?: string; message?: string }; running?: object; terminated?: object };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { containers: { image: string; resources?: { limits?: { memory?: string } } }[] };
  status: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

/** the progress deadline of the Deployment whose image cannot be pulled, kept small: the test waits it out */
const DEADLINE_SECONDS = 5;

/** a pod whose first container crashes beside a sidecar that runs */
const sidecarPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'crash-with-sidecar', labels: { app: 'crash-with-sidecar' } },
  spec: {
    containers: [
      { name: 'app', image: CRASH_IMAGE },
      { name: 'sidecar', image: 'nginx:1.27' },
    ],
  },
};

describe('KWOK stages for pods that fail', () => {
  const ns = useNamespace('kwok-stages', { executor: false, webhook: false });

  /** the pods of `app` that are not being deleted */
  const podsOf = (app: string) =>
    (
      JSON.parse(kubectlOk(['get', 'pods', '-l', `app=${app}`, '-o', 'json'], { namespace: ns() })) as {
        items: PodJson[];
      }
    ).items.filter((p) => !p.metadata.deletionTimestamp);
  const first = (p: PodJson) => p.status.containerStatuses?.[0];
  const ready = (p: PodJson) => p.status.conditions?.find((c) => c.type === 'Ready');

  /** waits until `app` has `replicas` pods and every one passes `ok`; returns them */
  async function waitPods(app: string, what: string, ok: (p: PodJson) => boolean, replicas = 2) {
    let pods: PodJson[] = [];
    await until(
      `${app}: ${what}`,
      async () => {
        pods = podsOf(app);
        return pods.length === replicas && pods.every(ok);
      },
      90_000,
      () => JSON.stringify(pods, null, 1),
    );
    return pods;
  }

  beforeAll(() => {
    // all at once: the crash loops' restarts and the progress deadline then run out together
    applyDeployment(ns(), 'pull', { image: NO_SUCH_IMAGE, progressDeadlineSeconds: DEADLINE_SECONDS });
    applyDeployment(ns(), 'pull-any-tag', { image: `${NO_SUCH_IMAGE_REPOSITORY}:2.4.0`, replicas: 1 });
    applyDeployment(ns(), 'oom', { image: HUNGRY_IMAGE, memoryLimit: HUNGRY_MEMORY_LIMIT });
    applyDeployment(ns(), 'crash', { image: CRASH_IMAGE });
    applyDeployment(ns(), 'never-ready', { image: NEVER_READY_IMAGE, replicas: 1 });
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: JSON.stringify(sidecarPod) });
  });

  it.each([
    ['pull', NO_SUCH_IMAGE, 2],
    ['pull-any-tag', `${NO_SUCH_IMAGE_REPOSITORY}:2.4.0`, 1],
  ] as const)('an image that cannot be pulled (%s): Pending, ImagePullBackOff, not ready', async (app, image, n) => {
    const pods = await waitPods(
      app,
      'ImagePullBackOff',
      (p) => first(p)?.state.waiting?.reason === 'ImagePullBackOff',
      n,
    );
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Pending');
      expect(ready(pod)).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
      expect(first(pod)).toMatchObject({ image, ready: false, restartCount: 0 });
      expect(first(pod)?.state.waiting?.message).toBe(`Back-off pulling image "${image}"`);
    }
  });

  it('the Deployment with that image exceeds its progress deadline (the real controller-manager)', async () => {
    const progressing = () => getDeployment(ns(), 'pull').status.conditions?.find((c) => c.type === 'Progressing');
    await until(
      'pull: Progressing=False',
      async () => progressing()?.status === 'False',
      90_000,
      () => JSON.stringify(getDeployment(ns(), 'pull').status, null, 1),
    );
    expect(progressing()).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(progressing()?.message).toMatch(/has timed out progressing/);
  });

  it('OOM: Running, not ready, CrashLoopBackOff after OOMKilled (137), restarts rising', async () => {
    const pods = await waitPods('oom', 'a second restart', (p) => (first(p)?.restartCount ?? 0) >= 2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Running');
      expect(ready(pod)).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
      expect(first(pod)).toMatchObject({
        image: HUNGRY_IMAGE,
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      });
    }
  });

  it('OOM: with the limit raised to 64Mi, the same image runs and its pods become ready', async () => {
    kubectlOk(['set', 'resources', 'deployment/oom', '-c', 'app', '--limits=memory=64Mi'], { namespace: ns() });
    await waitRolledOut(ns(), 'oom');
    const pods = await waitPods('oom', 'ready with 64Mi', (p) => ready(p)?.status === 'True');
    for (const pod of pods) {
      expect(pod.spec.containers[0]).toMatchObject({ image: HUNGRY_IMAGE, resources: { limits: { memory: '64Mi' } } });
      expect(pod.status.phase).toBe('Running');
      expect(first(pod)).toMatchObject({ ready: true, restartCount: 0, state: { running: expect.any(Object) } });
    }
  });

  it('crash: Running, not ready, CrashLoopBackOff after Error (exit 1), restarts rising', async () => {
    const pods = await waitPods('crash', 'a second restart', (p) => (first(p)?.restartCount ?? 0) >= 2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Running');
      expect(ready(pod)).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
      expect(first(pod)).toMatchObject({
        image: CRASH_IMAGE,
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 1 } },
      });
      expect(first(pod)?.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=app pod=crash-/);
    }
  });

  it('crash: only the first container crashes, a sidecar beside it runs through its restarts', async () => {
    const [pod] = await waitPods(
      'crash-with-sidecar',
      'a second restart',
      (p) => (first(p)?.restartCount ?? 0) >= 2,
      1,
    );
    expect(pod?.status.containerStatuses).toMatchObject([
      { name: 'app', ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      { name: 'sidecar', ready: true, restartCount: 0, state: { running: expect.any(Object) } },
    ]);
    expect(pod && ready(pod)).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
  });

  it('crash: only that image crashes, another tag of it rolls out ready', async () => {
    kubectlOk(['set', 'image', 'deployment/crash', 'app=registry.bosun.test/crash:2'], { namespace: ns() });
    await waitRolledOut(ns(), 'crash');
    const pods = await waitPods('crash', 'ready', (p) => ready(p)?.status === 'True');
    for (const pod of pods) expect(first(pod)).toMatchObject({ ready: true, restartCount: 0 });
  });

  it('never-ready (the stage Bosun had): Running, not ready, CrashLoopBackOff', async () => {
    const [pod] = await waitPods(
      'never-ready',
      'CrashLoopBackOff',
      (p) => first(p)?.state.waiting?.reason === 'CrashLoopBackOff',
      1,
    );
    expect(pod?.status.phase).toBe('Running');
    expect(pod && ready(pod)).toMatchObject({ status: 'False' });
  });
});
