// How the end-to-end Goal bench sorts what it counts: each API request of the
// API server's audit log by what it was for, each put into Bosun's etcd by its
// key, and each change of a Goal a watch sees by the phases and step states
// on either side of it. Pure.
import { identities } from '../../../hack/control-plane/identities.js';

/** One line of the API server's audit log (--audit-log-format=json), as far as the bench reads it. */
export interface AuditEntry {
  stage: string;
  verb: string;
  requestURI?: string;
  user: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
}

export const REQUEST_KINDS = [
  'subjectaccessreview',
  'tokenrequest',
  'goal status',
  'goal finalizer',
  'tool write',
  'tool dry-run',
  'tool read',
  'event',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const WRITES = new Set(['create', 'update', 'patch', 'delete']);

/** The identities whose requests are Bosun's in `namespace`: its own, and the namespace's executor's. */
export const bosunUsers = (namespace: string, executor = 'bosun-executor') => [
  identities.operator.user,
  `system:serviceaccount:${namespace}:${executor}`,
];

/**
 * What a completed request by one of `users` in `namespace` (or cluster-wide) was for; undefined for a
 * request that is not Bosun's, or not complete, or in another namespace.
 */
export function requestKind(e: AuditEntry, users: readonly string[], namespace: string): RequestKind | undefined {
  if (e.stage !== 'ResponseComplete' || !users.includes(e.user.username)) return undefined;
  const ref = e.objectRef ?? {};
  if (ref.namespace && ref.namespace !== namespace) return undefined;
  const write = WRITES.has(e.verb);
  if (ref.resource === 'subjectaccessreviews' && e.verb === 'create') return 'subjectaccessreview';
  if (ref.resource === 'serviceaccounts' && ref.subresource === 'token' && e.verb === 'create') return 'tokenrequest';
  if (ref.resource === 'goals' && write) return ref.subresource === 'status' ? 'goal status' : 'goal finalizer';
  if (ref.resource === 'deployments' && ref.name) {
    if (write) return /[?&]dryRun=/.test(e.requestURI ?? '') ? 'tool dry-run' : 'tool write';
    if (e.verb === 'get') return 'tool read';
  }
  if (ref.resource === 'events' && write) return 'event';
  return 'other';
}

/** How the "other" requests are told apart: verb and resource. */
export function otherLabel(e: AuditEntry): string {
  const sub = e.objectRef?.subresource ? `/${e.objectRef.subresource}` : '';
  return `${e.verb} ${e.objectRef?.resource ?? e.requestURI ?? '?'}${sub}`;
}

/** What a put into Bosun's etcd is, from its key: /bosun/v1/<part>/… (state-store.ts's layout). */
export function etcdKind(key: string): string {
  const part = /^\/bosun\/v1\/([^/]+)\//.exec(key)?.[1];
  const names: Record<string, string> = {
    snapshots: 'snapshot',
    journal: 'journal',
    steps: 'step record',
    actions: 'action log',
    changes: 'change index',
  };
  return part ? (names[part] ?? part) : 'other';
}

/** A Goal as the bench's watch sees it. */
export interface GoalState {
  metadata?: { name?: string; finalizers?: string[]; creationTimestamp?: string };
  status?: { phase?: string; plan?: { steps?: { state?: string }[] } };
}

const shape = (g: GoalState) =>
  `${g.status?.phase ?? '(no status)'} [${(g.status?.plan?.steps ?? []).map((s) => s.state ?? '?').join(', ')}]`;

/**
 * A watch's MODIFIED Goal, named by what changed: its finalizers, else its phase and step states before → after
 * ("Executing [Succeeded, Running] → Succeeded [Succeeded, Succeeded]"); a write that changed neither is named
 * by the phase and states it kept.
 */
export function goalChange(prev: GoalState, next: GoalState): string {
  const fin = (g: GoalState) => (g.metadata?.finalizers ?? []).join(',');
  if (fin(prev) !== fin(next)) return 'finalizers changed';
  const [a, b] = [shape(prev), shape(next)];
  return a === b ? `${a} kept (messages, conditions)` : `${a} → ${b}`;
}

/** Adds one to `counts[key]`. */
export const tally = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};
