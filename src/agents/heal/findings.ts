// The evidence a person needs to check a diagnosis, as findings: pure. One
// finding per kind of failure (pods of one ReplicaSet fail alike), then the
// rollout, the logs and the warnings.
import type { HealEvidence, PodEvidence, RevisionEvidence, WorkloadEvidence } from './evidence.js';
import type { PodTrouble } from './pod.js';
import { ago, byLine, currentRevision, targetName, type RecentRollout } from './rollout.js';

/** One piece of evidence, as RemediationStatus.diagnosis.evidence holds it. */
export interface Finding {
  source: string;
  summary: string;
}

const images = (r: RevisionEvidence) => r.images.map((i) => `${i.container}=${i.image}`).join(', ');

const readiness = (r: RevisionEvidence) =>
  r.ready === 'ready-now'
    ? `${r.readyReplicas} pod(s) Ready now`
    : r.ready === 'recorded'
      ? 'Bosun saw its pods Ready'
      : r.replicas > 0
        ? `${r.replicas} pod(s), none Ready`
        : 'scaled to 0, readiness not known';

export function workloadFinding(w: WorkloadEvidence, stuck: string | undefined): Finding {
  const conditions = w.conditions
    .filter((c) => c.status !== 'True' || c.reason === 'ProgressDeadlineExceeded')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`);
  const parts = [
    `${w.replicas} desired, ${w.readyReplicas} ready, ${w.availableReplicas} available, ${w.updatedReplicas} updated`,
    w.revision !== undefined ? `revision ${w.revision}` : w.revisionName ? `revision ${w.revisionName}` : undefined,
    w.generation !== undefined ? `generation ${w.generation}, observed ${w.observedGeneration ?? 0}` : undefined,
    w.paused ? 'rollout paused' : undefined,
    stuck && w.progressDeadlineSeconds !== undefined ? `progress deadline ${w.progressDeadlineSeconds} s` : undefined,
    ...conditions,
  ];
  return { source: targetName(w), summary: parts.filter(Boolean).join('; ') };
}

export function troubleFindings(troubles: readonly PodTrouble[]): Finding[] {
  // pods of one ReplicaSet fail alike: one finding per container, reason and image, with the count
  const groups = new Map<string, PodTrouble[]>();
  for (const t of troubles) {
    const key = `${t.container}\u0000${t.reason}\u0000${t.image}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((g) => {
    const t = g[0] as PodTrouble;
    const detail = [
      t.exitCode !== undefined ? `exit code ${t.exitCode}` : undefined,
      t.restartCount ? `${t.restartCount} restart(s)` : undefined,
      t.finishedAt ? `last ended ${t.finishedAt}` : undefined,
      t.message,
    ].filter(Boolean);
    const more = g.length > 1 ? ` (and ${g.length - 1} more pod(s) alike)` : '';
    return {
      source: `pod/${t.pod}`,
      summary: `container ${t.container} (${t.image}): ${t.reason}${detail.length ? `, ${detail.join(', ')}` : ''}${more}`,
    };
  });
}

export function otherPodFindings(pods: readonly PodEvidence[]): Finding[] {
  return pods
    .filter((p) => p.unschedulable && !p.terminating)
    .slice(0, 3)
    .map((p) => ({ source: `pod/${p.name}`, summary: `not scheduled: ${p.unschedulable}` }));
}

export function rolloutFinding(e: HealEvidence, r: RecentRollout | undefined, now: Date): Finding[] {
  const out: Finding[] = [];
  if (r) {
    const rs = currentRevision(e);
    out.push({
      source: r.by ? 'bosun action log' : `${targetName(e.workload as WorkloadEvidence)} rollout`,
      summary:
        `${r.revision !== undefined ? `revision ${r.revision}` : 'a new pod template'} rolled out ${ago(r.at, now)}` +
        `${rs ? ` (ReplicaSet ${rs.name}: ${images(rs)})` : ''}${r.by ? ` by ${byLine(r.by)}` : ''}`,
    });
  }
  if (e.revisions.length)
    out.push({
      source: 'replicasets',
      summary: e.revisions.map((x) => `revision ${x.revision} (${images(x)}): ${readiness(x)}`).join('; '),
    });
  return out;
}

export function logFindings(e: HealEvidence): Finding[] {
  return e.logs
    .filter((l) => l.lines.length)
    .map((l) => ({
      source: `pod/${l.pod} container ${l.container} (previous log)`,
      // the end of the log is where a crash says why
      summary: l.lines.slice(-10).join('\n'),
    }));
}

export function eventFindings(e: HealEvidence): Finding[] {
  const warnings = e.events.filter((x) => x.type === 'Warning');
  return warnings
    .slice(-5)
    .reverse()
    .map((x) => ({
      source: `event ${x.object}`,
      summary: `${x.reason ?? ''}: ${x.message ?? ''}${x.count && x.count > 1 ? ` (x${x.count})` : ''}`,
    }));
}
