// The hypothesis: which symptom the evidence shows, the worst first, and in
// words a person reads what its likely cause is. Pure.
import type { HealEvidence, WorkloadEvidence } from './evidence.js';
import type { PodTrouble } from './pod.js';
import { ago, byLine, progressDeadlineExceeded, targetName, type RecentRollout } from './rollout.js';

export const SYMPTOMS = [
  'CrashLoop',
  'OOMKilled',
  'ImagePull',
  'RolloutStuck',
  'NotReady',
  'Healthy',
  'Unknown',
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

export interface Verdict {
  symptom: Symptom;
  hypothesis: string;
}

function rolloutClause(r: RecentRollout | undefined, now: Date, suspect: string): string {
  if (!r) return '';
  const what = r.revision !== undefined ? `Revision ${r.revision}` : 'The pod template';
  return ` ${what} rolled out ${ago(r.at, now)}${r.by ? ` by ${byLine(r.by)}` : ''}: ${suspect}`;
}

export function verdict(
  e: HealEvidence,
  w: WorkloadEvidence,
  troubles: PodTrouble[],
  r: RecentRollout | undefined,
  now: Date,
) {
  const t = targetName(w);
  const first = troubles[0];
  const lastLog = e.logs.find((l) => l.pod === first?.pod && l.container === first?.container)?.lines.at(-1);
  const logClause = lastLog ? ` Its last log line: "${cut(lastLog, 300)}".` : '';
  if (first?.kind === 'ImagePull')
    return {
      symptom: 'ImagePull',
      hypothesis:
        `Pods of ${t} cannot pull image ${first.image} (${first.reason}${first.message ? `: ${first.message}` : ''}).` +
        (rolloutClause(
          r,
          now,
          'a wrong image reference or a missing pull secret in that change is the likely cause.',
        ) || ' No rollout is recent: the registry, the image or its pull credentials changed.'),
    } satisfies Verdict;
  if (first?.kind === 'OOMKilled') {
    const limit =
      e.pods.flatMap((p) => p.containers).find((c) => c.name === first.container)?.memoryLimit ??
      w.containers.find((c) => c.name === first.container)?.memoryLimit;
    return {
      symptom: 'OOMKilled',
      hypothesis:
        `Container ${first.container} of ${t} was killed for using more memory than its limit` +
        `${limit ? ` (${limit})` : ' (no limit set: the node ran out of memory)'}` +
        `${first.restartCount ? ` and has restarted ${first.restartCount} time(s)` : ''}: ` +
        'its working set outgrew the limit, or it leaks.' +
        rolloutClause(r, now, 'the new version may need more memory than the one before.'),
    } satisfies Verdict;
  }
  if (first?.kind === 'CrashLoop')
    return {
      symptom: 'CrashLoop',
      hypothesis:
        `Container ${first.container} of ${t} keeps exiting` +
        `${first.exitCode !== undefined ? ` (exit code ${first.exitCode})` : ''} and restarting ` +
        `(${first.restartCount} restart(s)).` +
        (rolloutClause(r, now, 'the new version or its configuration is the likely cause.') ||
          ' Nothing was rolled out recently: a dependency, its configuration or its data changed.') +
        logClause,
    } satisfies Verdict;
  const stuck = w.kind === 'Deployment' ? progressDeadlineExceeded(w) : undefined;
  if (stuck)
    return {
      symptom: 'RolloutStuck',
      hypothesis:
        `The rollout of ${t}${w.revision !== undefined ? ` to revision ${w.revision}` : ''} made no progress for ` +
        `${w.progressDeadlineSeconds ?? 600} s (${stuck}): its new pods do not become available.` +
        rolloutClause(r, now, 'that change is the likely cause.'),
    } satisfies Verdict;
  const startError = troubles.find((x) => x.kind === 'StartError');
  const unscheduled = e.pods.find((p) => p.unschedulable && !p.terminating);
  const notReady = e.pods.filter((p) => !p.ready && !p.terminating);
  if (w.readyReplicas < w.replicas || startError || notReady.length) {
    const why = startError
      ? `container ${startError.container} cannot start (${startError.reason}${startError.message ? `: ${startError.message}` : ''})`
      : unscheduled
        ? `pod ${unscheduled.name} cannot be scheduled (${unscheduled.unschedulable})`
        : notReady.length
          ? `${notReady.length} pod(s) run but are not Ready: a readiness probe fails, or a dependency is down`
          : 'pods are missing';
    return {
      symptom: 'NotReady',
      hypothesis:
        `${w.readyReplicas} of ${w.replicas} pod(s) of ${t} are Ready: ${why}.` +
        (rolloutClause(r, now, 'that change is the likely cause.') || ' Nothing was rolled out recently.'),
    } satisfies Verdict;
  }
  if (w.updatedReplicas < w.replicas || (w.observedGeneration ?? 0) < (w.generation ?? 0))
    return {
      symptom: 'Unknown',
      hypothesis:
        `${t} is rolling out (${w.updatedReplicas} of ${w.replicas} updated) and every pod is Ready so far: ` +
        'look again once it is done.',
    } satisfies Verdict;
  return {
    symptom: 'Healthy',
    hypothesis: `${t} is healthy: ${w.readyReplicas} of ${w.replicas} pod(s) Ready and up to date.`,
  } satisfies Verdict;
}
