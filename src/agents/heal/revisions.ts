// Which earlier state of a workload is known to have worked: pure. For a
// Deployment, its ReplicaSets (one per revision); for a StatefulSet or a
// DaemonSet, its pods still at an earlier revision and Ready.
import type { HealEvidence, PodEvidence, RevisionEvidence } from './evidence.js';

/** Earlier revisions than the current one, newest first. */
export function earlierRevisions(e: HealEvidence): RevisionEvidence[] {
  const now = e.workload?.revision;
  if (now === undefined) return [];
  return e.revisions.filter((r) => r.revision < now).sort((a, b) => b.revision - a.revision);
}

/** The newest earlier revision whose pods are known to have been Ready (now, or as Bosun recorded). */
export const lastGoodRevision = (e: HealEvidence): RevisionEvidence | undefined =>
  earlierRevisions(e).find((r) => r.ready !== 'unknown');

/** The image `container` had in a revision. */
export const imageIn = (r: RevisionEvidence, container: string) =>
  r.images.find((i) => i.container === container)?.image;

/** Ready pods (not on their way out) of a StatefulSet or DaemonSet still at another revision than the template's. */
export function readyOlderPods(e: HealEvidence): PodEvidence[] {
  const at = e.workload?.revisionName;
  return e.pods.filter(
    (p) => p.ready && !p.terminating && p.templateHash !== undefined && !at?.endsWith(p.templateHash),
  );
}

/**
 * The one container whose image differs between the template and a Ready older pod, with the image that ran;
 * undefined when none or several differ (then setting one image back would not restore what ran).
 */
export function imageThatRan(e: HealEvidence): { container: string; image: string; pod: string } | undefined {
  const w = e.workload;
  if (!w) return undefined;
  for (const p of readyOlderPods(e)) {
    const differ = w.containers.flatMap((c) => {
      const ran = p.containers.find((x) => x.name === c.name && !x.init)?.image;
      return ran && ran !== c.image ? [{ container: c.name, image: ran, pod: p.name }] : [];
    });
    if (differ.length === 1) return differ[0];
  }
  return undefined;
}
