// Reads what the Heal agent decides on, once, as Bosun and read-only: the
// target workload, the ReplicaSets it owns (its revisions), its pods, recent
// Events on them, the crashed containers' previous logs and the namespace's
// LimitRange max. Every read is bounded (one page, a few objects); a read that
// fails is named in `gaps` and the agent decides on the rest. Nothing here is
// redacted: diagnose() redacts what it keeps.
import { BosunError, errorMessage, hasCode } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import {
  HealEvidence,
  MAX_EVENTS,
  MAX_LOG_LINES,
  MAX_LOGS,
  MAX_PODS,
  MAX_REVISIONS,
  type EventEvidence,
  type LastChange,
  type LogTail,
  type PodEvidence,
  type RevisionEvidence,
  type WorkloadEvidence,
  type WorkloadKind,
} from '../../agents/heal/evidence.js';
import { podEvidence, troublesOf, type PodObject } from '../../agents/heal/pod.js';
import type { KubeClient } from '../../kube/client.js';
import { core, resourcePath, type Resource } from '../../kube/resources.js';
import { eventWindow, type CoreEvent } from '../../tools/kubernetes/events.js';
import { parseQuantity } from '../../tools/kubernetes/quantity.js';
import { canonicalKind } from '../../tools/kubernetes/target.js';

const limitranges: Resource = { group: '', version: 'v1', plural: 'limitranges', kind: 'LimitRange', namespaced: true };

const KINDS: Record<string, { kind: WorkloadKind; resource: Resource }> = {
  deployment: { kind: 'Deployment', resource: core.deployments },
  statefulset: { kind: 'StatefulSet', resource: core.statefulsets },
  daemonset: { kind: 'DaemonSet', resource: core.daemonsets },
};

/** One page of each list: enough for any workload a person would heal, never a whole namespace. */
export const PAGE = { replicasets: 100, pods: 250, events: 100, limitranges: 20 } as const;
/** Objects whose Events are read: the target, its two newest ReplicaSets, and this many troubled pods. */
export const EVENT_PODS = 5;

export interface HealTarget {
  namespace: string;
  /** Deployment, StatefulSet or DaemonSet (kubectl's short names and plurals too) */
  kind: string;
  name: string;
}

export interface GatherOptions {
  /** who last changed the target through Bosun, from its action log */
  lastChange?: LastChange;
  /** revisions Bosun saw healthy (a verified Goal or Remediation): their pods count as once Ready */
  recordedGood?: readonly number[];
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Container {
  name: string;
  image?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

export interface WorkloadObject extends KubeObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
    selector?: Selector;
    template?: { spec?: { containers?: Container[] } };
  };
  status?: {
    observedGeneration?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    numberReady?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
    desiredNumberScheduled?: number;
    updateRevision?: string;
    conditions?: WorkloadEvidence['conditions'];
  };
}

export interface ReplicaSetObject extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: { containers?: Container[] } } };
  status?: { readyReplicas?: number };
}

interface LimitRangeObject extends KubeObject {
  spec?: { limits?: { type?: string; max?: Record<string, string> }[] };
}

const REVISION = 'deployment.kubernetes.io/revision';

const revisionOf = (o: KubeObject) => {
  const n = Number(o.metadata.annotations?.[REVISION]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** A label selector as the API's query parameter (matchLabels and matchExpressions). */
export function selectorString(s: Selector | undefined): string {
  const labels = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (s?.matchExpressions ?? []).map((e) => {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') return `${e.key} in (${values})`;
    if (e.operator === 'NotIn') return `${e.key} notin (${values})`;
    if (e.operator === 'Exists') return e.key;
    return `!${e.key}`;
  });
  return [...labels, ...expressions].join(',');
}

/** The workload as evidence (a DaemonSet's counts are per node). */
export function workloadEvidence(o: WorkloadObject, kind: WorkloadKind): WorkloadEvidence {
  const s = o.status ?? {};
  const ds = kind === 'DaemonSet';
  return {
    kind,
    name: o.metadata.name,
    generation: o.metadata.generation,
    observedGeneration: s.observedGeneration,
    replicas: (ds ? s.desiredNumberScheduled : o.spec?.replicas) ?? (ds ? 0 : 1),
    readyReplicas: (ds ? s.numberReady : s.readyReplicas) ?? 0,
    availableReplicas: (ds ? s.numberAvailable : s.availableReplicas) ?? 0,
    updatedReplicas: (ds ? s.updatedNumberScheduled : s.updatedReplicas) ?? 0,
    conditions: (s.conditions ?? []).map((c) => ({ ...c, message: c.message?.slice(0, 1024) })),
    ...(kind === 'Deployment' && { progressDeadlineSeconds: o.spec?.progressDeadlineSeconds ?? 600 }),
    paused: o.spec?.paused ?? false,
    containers: (o.spec?.template?.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      ...(c.resources?.limits?.memory && { memoryLimit: c.resources.limits.memory }),
      ...(c.resources?.requests?.memory && { memoryRequest: c.resources.requests.memory }),
    })),
    ...(revisionOf(o) !== undefined && { revision: revisionOf(o) }),
    ...(s.updateRevision && { revisionName: s.updateRevision }),
  };
}

/** A ReplicaSet as a revision; readiness as far as it can be known (see ReadyBasis). */
export function revisionEvidence(rs: ReplicaSetObject, recordedGood: readonly number[]): RevisionEvidence | undefined {
  const revision = revisionOf(rs);
  if (revision === undefined) return undefined;
  const ready = rs.status?.readyReplicas ?? 0;
  return {
    revision,
    name: rs.metadata.name,
    podTemplateHash: rs.metadata.labels?.['pod-template-hash'],
    images: (rs.spec?.template?.spec?.containers ?? []).map((c) => ({ container: c.name, image: c.image ?? '' })),
    created: rs.metadata.creationTimestamp,
    replicas: rs.spec?.replicas ?? 0,
    readyReplicas: ready,
    ready: ready > 0 ? 'ready-now' : recordedGood.includes(revision) ? 'recorded' : 'unknown',
  };
}

/** The smallest max memory a LimitRange gives one container, if any does. */
export function limitRangeMaxMemory(items: readonly LimitRangeObject[]): string | undefined {
  let best: { q: string; bytes: number } | undefined;
  for (const lr of items)
    for (const l of lr.spec?.limits ?? []) {
      const q = l.type === 'Container' ? l.max?.memory : undefined;
      const bytes = q === undefined ? undefined : parseQuantity(q);
      if (q !== undefined && bytes !== undefined && (!best || bytes < best.bytes)) best = { q, bytes };
    }
  return best?.q;
}

/** The pods shown: troubled and unready ones first (they are what a heal is about), then the newest. */
export function podWindow(pods: readonly PodEvidence[], max = MAX_PODS): PodEvidence[] {
  const rank = (p: PodEvidence) => (troublesOf(p).length ? 0 : p.ready ? 2 : 1);
  return [...pods].sort((a, b) => rank(a) - rank(b) || (b.created ?? '').localeCompare(a.created ?? '')).slice(0, max);
}

const eventEvidence = (e: CoreEvent): EventEvidence => ({
  type: e.type,
  reason: e.reason,
  object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
  message: e.message?.slice(0, 1024),
  count: e.count,
});

/** The target's evidence, read-only and bounded; `lastChange` comes from Bosun's action log. */
export async function gatherHealEvidence(
  client: KubeClient,
  target: HealTarget,
  opts: GatherOptions = {},
): Promise<HealEvidence> {
  const { namespace, name } = target;
  const known = KINDS[canonicalKind(target.kind)];
  if (!known)
    throw new BosunError(
      'BOSUN_ERR_TERMINAL',
      `a Remediation heals Deployments, StatefulSets and DaemonSets, not ${target.kind}: fix spec.targetRef`,
    );
  const gaps: string[] = [];
  const base = { namespace, ...(opts.lastChange && { lastChange: opts.lastChange }) };
  const obj = await client.tryGet<WorkloadObject>(known.resource, namespace, name);
  if (!obj) return HealEvidence.parse({ ...base, workload: null });
  const workload = workloadEvidence(obj, known.kind);
  const attempt = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      gaps.push(`could not read ${what}: ${errorMessage(err).slice(0, 400)}`);
      return fallback;
    }
  };
  const labelSelector = selectorString(obj.spec?.selector);
  const uid = obj.metadata.uid;

  // the Deployment's own ReplicaSets (another Deployment's may match the same labels)
  const replicaSets =
    known.kind === 'Deployment'
      ? await attempt(
          'replicasets',
          async () => {
            const page = await client.listPage<ReplicaSetObject>(core.replicasets, {
              namespace,
              labelSelector,
              limit: PAGE.replicasets,
            });
            if (page.metadata.continue) gaps.push(`more than ${PAGE.replicasets} ReplicaSets: some revisions not read`);
            return page.items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === uid));
          },
          [] as ReplicaSetObject[],
        )
      : [];
  const revisions = replicaSets
    .map((rs) => revisionEvidence(rs, opts.recordedGood ?? []))
    .filter((r): r is RevisionEvidence => r !== undefined)
    .sort((a, b) => b.revision - a.revision)
    .slice(0, MAX_REVISIONS);

  // pods: owned by one of those ReplicaSets, or by the StatefulSet or DaemonSet itself
  const owners = new Set(known.kind === 'Deployment' ? replicaSets.map((rs) => rs.metadata.uid) : [uid]);
  const { pods, total, more } = labelSelector
    ? await attempt(
        'pods',
        async () => {
          const page = await client.listPage<PodObject>(core.pods, { namespace, labelSelector, limit: PAGE.pods });
          const mine = page.items.filter((p) => p.metadata.ownerReferences?.some((o) => owners.has(o.uid)));
          return { pods: mine, total: mine.length, more: Boolean(page.metadata.continue) };
        },
        { pods: [] as PodObject[], total: 0, more: false },
      )
    : { pods: [] as PodObject[], total: 0, more: false };
  if (more) gaps.push(`more than ${PAGE.pods} pods match the selector: the first ${PAGE.pods} read`);
  const shown = podWindow(pods.map(podEvidence));

  // Events on the target, its newest ReplicaSets and its troubled pods
  const troubled = shown.filter((p) => troublesOf(p).length || !p.ready).slice(0, EVENT_PODS);
  const subjects = [
    obj,
    ...replicaSets.filter((rs) => revisions.slice(0, 2).some((r) => r.name === rs.metadata.name)),
    ...pods.filter((p) => troubled.some((t) => t.name === p.metadata.name)),
  ];
  const eventLists = await Promise.all(
    subjects.map((o) =>
      attempt(
        `events of ${o.metadata.name}`,
        async () =>
          (
            await client.listPage<CoreEvent & KubeObject>(core.coreEvents, {
              namespace,
              fieldSelector: `involvedObject.uid=${o.metadata.uid ?? ''}`,
              limit: PAGE.events,
            })
          ).items,
        [] as (CoreEvent & KubeObject)[],
      ),
    ),
  );
  const events = eventWindow(eventLists.flat(), MAX_EVENTS).map(eventEvidence);

  const logs = await previousLogs(client, namespace, shown, (g) => gaps.push(g));

  const ranges = await attempt(
    'limitranges',
    async () => (await client.listPage<LimitRangeObject>(limitranges, { namespace, limit: PAGE.limitranges })).items,
    [] as LimitRangeObject[],
  );
  const maxMemory = limitRangeMaxMemory(ranges);

  return HealEvidence.parse({
    ...base,
    workload,
    revisions,
    pods: shown,
    podsOmitted: Math.max(0, total - shown.length),
    events,
    logs,
    ...(maxMemory && { limitRangeMaxMemory: maxMemory }),
    gaps: gaps.slice(0, 20).map((g) => g.slice(0, 512)),
  });
}

/** The previous (crashed) container's last lines, for each failing container (a few at most). */
async function previousLogs(
  client: KubeClient,
  namespace: string,
  pods: readonly PodEvidence[],
  gap: (g: string) => void,
): Promise<LogTail[]> {
  const failing = pods
    .flatMap((p) => troublesOf(p).filter((t) => t.kind === 'CrashLoop' || t.kind === 'OOMKilled'))
    // one per container name: the pods of one revision crash alike
    .filter((t, i, all) => all.findIndex((x) => x.container === t.container) === i)
    .slice(0, MAX_LOGS);
  const out: LogTail[] = [];
  for (const t of failing) {
    try {
      const text = await client.getText(`${resourcePath(core.pods, { namespace, name: t.pod })}/log`, {
        container: t.container,
        tailLines: MAX_LOG_LINES,
        previous: true,
      });
      const lines = text
        .split('\n')
        .filter(Boolean)
        .slice(-MAX_LOG_LINES)
        .map((l) => l.slice(0, 1024));
      out.push({ pod: t.pod, container: t.container, lines });
    } catch (err) {
      // 400: no previous container (it has not restarted yet, or the pod was replaced): nothing to read
      if (!hasCode(err, 'BOSUN_ERR_KUBE_INVALID'))
        gap(`could not read the previous log of ${t.pod}/${t.container}: ${errorMessage(err).slice(0, 300)}`);
    }
  }
  return out;
}
