// A Pod as the Heal agent reads it, and what ails it: pure. The Remediation
// controller converts the pods it lists; the pod-state watcher asks podTrouble
// of each Pod its informer holds.
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { ContainerStatusEvidence, PodEvidence } from './evidence.js';

interface ContainerSpec {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

interface ContainerStatus {
  name: string;
  image?: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { reason?: string; exitCode?: number; finishedAt?: string };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}

/** A Kubernetes Pod, as the API server or an informer gives it (only the fields read here). */
export interface PodObject extends KubeObject {
  spec?: { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

const cut = (s: string | undefined, max = 1024) => (s === undefined ? undefined : s.slice(0, max));

function containerEvidence(c: ContainerStatus, spec: ContainerSpec | undefined, init: boolean) {
  const waiting = c.state?.waiting;
  const terminated = c.state?.terminated;
  const last = c.lastState?.terminated;
  const out: ContainerStatusEvidence = {
    name: c.name,
    init,
    image: spec?.image ?? c.image ?? '',
    ready: c.ready ?? false,
    restartCount: c.restartCount ?? 0,
    ...(spec?.resources?.limits?.memory && { memoryLimit: spec.resources.limits.memory }),
    ...(waiting && { waiting: { reason: waiting.reason, message: cut(waiting.message) } }),
    ...(terminated && { terminated: { reason: terminated.reason, exitCode: terminated.exitCode } }),
    ...(last && { lastTerminated: { reason: last.reason, exitCode: last.exitCode, finishedAt: last.finishedAt } }),
  };
  return out;
}

/** A Pod as evidence: phase, readiness and each container's state, its last termination, its memory limit. */
export function podEvidence(pod: PodObject): PodEvidence {
  const s = pod.status ?? {};
  const condition = (type: string) => s.conditions?.find((c) => c.type === type);
  const scheduled = condition('PodScheduled');
  const specOf = (list: ContainerSpec[] | undefined, name: string) => list?.find((c) => c.name === name);
  const labels = pod.metadata.labels ?? {};
  return {
    name: pod.metadata.name,
    phase: s.phase ?? 'Unknown',
    ready: condition('Ready')?.status === 'True',
    created: pod.metadata.creationTimestamp,
    terminating: pod.metadata.deletionTimestamp !== undefined,
    templateHash: labels['pod-template-hash'] ?? labels['controller-revision-hash'],
    ...(scheduled?.status === 'False' && {
      unschedulable: cut(`${scheduled.reason ?? ''}: ${scheduled.message ?? ''}`),
    }),
    containers: [
      ...(s.initContainerStatuses ?? []).map((c) =>
        containerEvidence(c, specOf(pod.spec?.initContainers, c.name), true),
      ),
      ...(s.containerStatuses ?? []).map((c) => containerEvidence(c, specOf(pod.spec?.containers, c.name), false)),
    ],
  };
}

/** Waiting reasons of a container whose image cannot be pulled. */
export const IMAGE_PULL_REASONS = ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull'];
/** Waiting reasons of a container that cannot be created or started (a missing ConfigMap, a bad command). */
export const START_ERROR_REASONS = ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'];

export type TroubleKind = 'ImagePull' | 'OOMKilled' | 'CrashLoop' | 'StartError';

export interface PodTrouble {
  kind: TroubleKind;
  pod: string;
  container: string;
  /** the kubelet's reason: ImagePullBackOff, OOMKilled, CrashLoopBackOff, … */
  reason: string;
  image: string;
  message?: string;
  exitCode?: number;
  restartCount: number;
  /** when the container last ended (OOMKilled, CrashLoop) */
  finishedAt?: string;
}

/** How long after an OOM kill a container that is running again still counts as OOM-killed. */
export const OOM_RECENT_SECONDS = 600;

const RANK: Record<TroubleKind, number> = { ImagePull: 0, OOMKilled: 1, CrashLoop: 2, StartError: 3 };

function containerTrouble(pod: string, c: ContainerStatusEvidence, now?: Date): PodTrouble | undefined {
  const base = { pod, container: c.name, image: c.image, restartCount: c.restartCount };
  const waiting = c.waiting?.reason ?? '';
  if (IMAGE_PULL_REASONS.includes(waiting))
    return { ...base, kind: 'ImagePull', reason: waiting, message: c.waiting?.message };
  const oom = c.terminated?.reason === 'OOMKilled' ? c.terminated : c.lastTerminated;
  const finishedAt = c.lastTerminated?.finishedAt;
  const recent =
    now !== undefined && finishedAt !== undefined && now.getTime() - Date.parse(finishedAt) <= OOM_RECENT_SECONDS * 1e3;
  // an OOM kill long ago of a container that is Ready now is history, not trouble
  if (oom?.reason === 'OOMKilled' && (c.terminated?.reason === 'OOMKilled' || !c.ready || recent))
    return { ...base, kind: 'OOMKilled', reason: 'OOMKilled', exitCode: oom.exitCode, finishedAt };
  if (waiting === 'CrashLoopBackOff')
    return {
      ...base,
      kind: 'CrashLoop',
      reason: waiting,
      message: c.waiting?.message,
      exitCode: c.lastTerminated?.exitCode,
      finishedAt,
    };
  if (START_ERROR_REASONS.includes(waiting))
    return { ...base, kind: 'StartError', reason: waiting, message: c.waiting?.message };
  return undefined;
}

/** What ails one pod's containers, the worst first (a pull failure, an OOM kill, a crash loop, a start error). */
export function troublesOf(pod: PodEvidence, now?: Date): PodTrouble[] {
  if (pod.terminating) return [];
  return pod.containers
    .map((c) => containerTrouble(pod.name, c, now))
    .filter((t): t is PodTrouble => t !== undefined)
    .sort((a, b) => RANK[a.kind] - RANK[b.kind]);
}

/**
 * Whether a Pod crash-loops, cannot pull its image, was OOM-killed, or cannot start a container: the worst
 * of its containers' troubles, or undefined. With `now`, a container OOM-killed in the last
 * OOM_RECENT_SECONDS counts even if it runs again; without it, only while it is not Ready.
 */
export function podTrouble(pod: PodObject, now?: Date): PodTrouble | undefined {
  return troublesOf(podEvidence(pod), now)[0];
}
