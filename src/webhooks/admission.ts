// Admission decisions, pure: who may decide on an Approval (and as whom, and
// when), and the requester stamped on Goals, Remediations and PipelineRuns from
// the API server's userInfo. The identity always comes from the API server's
// request, never from a field a person typed. Admission fails closed: what
// Bosun's own schema cannot read is refused, with the reason.
import type { z } from 'zod';
import { canonicalJson } from '../api/canonical.js';
import type { ErrorCode } from '../api/errors.js';
import { ApprovalSpec, type ApprovalStatus, type Decision } from '../api/v1alpha1/approval.js';
import { Requester, timestamp } from '../api/v1alpha1/common.js';
import { kinds } from '../api/v1alpha1/kinds.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { DecisionRef } from '../store/state-store.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups?: string[];
}

export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo: UserInfo;
  kind: { kind: string };
  object?: KubeObject & { spec?: unknown; status?: unknown };
  oldObject?: KubeObject & { spec?: unknown; status?: unknown };
}

export interface JsonPatchOp {
  op: 'add' | 'replace';
  path: string;
  value: unknown;
}

/** A decision the webhook admits, to be recorded in Bosun's etcd before the answer goes back. */
export interface Admitted {
  ref: DecisionRef;
  decision: Decision;
}

export type Review =
  { allowed: true; patch?: JsonPatchOp[]; admitted?: Admitted } | { allowed: false; code: ErrorCode; message: string };

const allow: Review = { allowed: true };
const deny = (code: ErrorCode, message: string): Review => ({ allowed: false, code, message: `${code}: ${message}` });

/** The kinds whose objects carry spec.requester. */
export const REQUESTED_KINDS: readonly string[] = ['Goal', 'Remediation', 'PipelineRun'];

const specSchemas: ReadonlyMap<string, z.ZodType> = new Map(kinds.map((k) => [k.kind, k.spec]));

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`), 'spec');

/** Parses `spec` with the schema; on failure, a refusal naming the first issue. */
function readSpec<T>(schema: z.ZodType<T>, spec: unknown, kind: string): { data: T } | { refusal: Review } {
  const r = schema.safeParse(spec);
  if (r.success) return { data: r.data };
  const issue = r.error.issues[0];
  const where = issue ? `${pathOf(issue.path)}: ${issue.message}` : 'spec: unreadable';
  return { refusal: deny('BOSUN_ERR_ADMISSION_UNREADABLE', `Bosun cannot read this ${kind}: ${where}`) };
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const asRecord = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

const requesterOf = (o: AdmissionRequest['object']) => {
  const r = asRecord(o?.spec).requester;
  return r === undefined ? undefined : Requester.safeParse(r);
};

const sameRequester = (a: Requester, b: Requester) =>
  a.username === b.username && a.uid === b.uid && JSON.stringify(a.groups) === JSON.stringify(b.groups);

/** Allows `review` only if the spec as it will be stored (after the patch) is one Bosun can read. */
function readable(kind: string, spec: unknown, review: Review): Review {
  const schema = specSchemas.get(kind);
  if (!review.allowed || !schema) return review;
  const requester = review.patch?.find((p) => p.path === '/spec/requester');
  const stored = requester && isRecord(spec) ? { ...spec, requester: requester.value } : spec;
  const read = readSpec(schema, stored, kind);
  return 'refusal' in read ? read.refusal : review;
}

/**
 * Goals, Remediations, PipelineRuns: spec.requester is the API server's userInfo
 * of whoever creates the object, whatever was typed. Bosun itself creates them
 * only for a trigger (an alert, a push), with that trigger's configured identity,
 * never its own. Afterwards the requester cannot change: an update that leaves
 * it out gets it back (so `kubectl apply` and GitOps tools need not know it);
 * an update that sets another one is refused. A spec Bosun cannot read is refused.
 */
export function reviewRequested(req: AdmissionRequest, operatorUser: string): Review {
  const kind = req.kind.kind;
  if (req.operation === 'UPDATE' && canonicalJson(req.object?.spec) === canonicalJson(req.oldObject?.spec))
    return allow;
  return readable(kind, req.object?.spec, stampRequester(req, operatorUser));
}

function stampRequester(req: AdmissionRequest, operatorUser: string): Review {
  const kind = req.kind.kind;
  if (req.operation === 'CREATE') {
    if (req.userInfo.username === operatorUser) {
      const typed = requesterOf(req.object);
      if (!typed?.success)
        return deny(
          'BOSUN_ERR_REQUESTER_CHANGED',
          `Bosun creates a ${kind} only for a trigger, with the trigger's identity in spec.requester`,
        );
      if (typed.data.username === operatorUser)
        return deny(
          'BOSUN_ERR_REQUESTER_CHANGED',
          `a ${kind} Bosun creates carries its trigger's identity, never Bosun's own (${operatorUser})`,
        );
      return allow;
    }
    const { username, uid, groups } = req.userInfo;
    const value: Requester = { username, ...(uid && { uid }), groups: groups ?? [] };
    return { allowed: true, patch: [{ op: 'add', path: '/spec/requester', value }] };
  }
  if (req.operation !== 'UPDATE') return allow;
  const before = requesterOf(req.oldObject);
  if (!before?.success) return allow; // created before stamping existed: nothing to keep
  const after = requesterOf(req.object);
  if (after === undefined)
    return { allowed: true, patch: [{ op: 'add', path: '/spec/requester', value: before.data }] };
  if (!after.success || !sameRequester(after.data, before.data)) {
    return deny(
      'BOSUN_ERR_REQUESTER_CHANGED',
      `spec.requester is set by the API server when the ${kind} is created (${before.data.username}) ` +
        'and cannot be changed: leave it out, or as it is',
    );
  }
  return allow;
}

export interface ApprovalRules {
  /** Bosun's own identity: it creates Approvals and never decides */
  operatorUser: string;
  now: Date;
  /**
   * The validating call, which sees the object as it will be stored: a new decision must carry the
   * stamps of the mutating call, and is admitted (recorded) as it stands.
   */
  validating?: boolean;
}

/** The first field of an Approval's spec, decisions aside, that differs between `a` and `b`. */
function changedField(a: ApprovalSpec, b: ApprovalSpec): string | undefined {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('decisions');
  return [...keys]
    .sort()
    .find((k) => canonicalJson(a[k as keyof ApprovalSpec]) !== canonicalJson(b[k as keyof ApprovalSpec]));
}

/**
 * Approvals: created only by Bosun, with no decisions. Afterwards the spec is
 * fixed but for decisions appended at the end, one per update: each by a listed
 * approver, as themselves, once, in time, never by the requester or by Bosun.
 * The validating call admits the decision, which the server records in Bosun's
 * etcd: a decision that reached the Approval another way counts for nothing.
 */
export function reviewApproval(req: AdmissionRequest, rules: ApprovalRules): Review {
  const user = req.userInfo.username;
  if (req.operation === 'CREATE') {
    if (user !== rules.operatorUser)
      return deny(
        'BOSUN_ERR_APPROVAL_FORGED',
        `Approvals are created by Bosun when policy holds a plan; ${user} cannot create one`,
      );
    const typed = asRecord(req.object?.spec).decisions;
    if (typed !== undefined && !(Array.isArray(typed) && typed.length === 0))
      return deny('BOSUN_ERR_APPROVAL_FORGED', 'an Approval is created without decisions: approvers add them later');
    const read = readSpec(ApprovalSpec, req.object?.spec, 'Approval');
    return 'refusal' in read ? read.refusal : allow;
  }
  if (req.operation !== 'UPDATE') return allow;
  if (canonicalJson(req.object?.spec) === canonicalJson(req.oldObject?.spec)) return allow; // metadata only
  const next = readSpec(ApprovalSpec, req.object?.spec, 'Approval');
  if ('refusal' in next) return next.refusal;
  const prev = readSpec(ApprovalSpec, req.oldObject?.spec, 'Approval');
  if ('refusal' in prev) return prev.refusal;
  const field = changedField(prev.data, next.data);
  if (field)
    return deny(
      'BOSUN_ERR_APPROVAL_EDITED',
      `spec.${field} is immutable: an Approval takes only decisions, appended; create a new object instead`,
    );
  return reviewDecisions(req, rules, prev.data, next.data);
}

function reviewDecisions(req: AdmissionRequest, rules: ApprovalRules, prev: ApprovalSpec, next: ApprovalSpec): Review {
  const user = req.userInfo.username;
  const kept = (d: Decision | undefined, i: number) => canonicalJson(next.decisions[i]) === canonicalJson(d);
  if (next.decisions.length < prev.decisions.length || !prev.decisions.every(kept))
    return deny(
      'BOSUN_ERR_APPROVAL_EDITED',
      'decisions are append-only: an existing decision cannot be changed, moved or removed; add yours at the end',
    );
  const added = next.decisions.slice(prev.decisions.length);
  const [decision] = added;
  if (!decision) return allow;
  if (added.length > 1) return deny('BOSUN_ERR_APPROVAL_EDITED', 'add one decision at a time (your own)');
  if (user === rules.operatorUser)
    return deny('BOSUN_ERR_APPROVAL_FORGED', `Bosun's own identity (${user}) cannot decide on an Approval`);
  if (decision.user !== user)
    return deny(
      'BOSUN_ERR_APPROVAL_FORGED',
      `a decision must be your own: you are ${user}, and the decision says ${decision.user}`,
    );
  if (prev.decisions.some((d) => d.user === user))
    return deny('BOSUN_ERR_APPROVAL_FORGED', `${user} has decided on this Approval already; a decision is final`);
  const { users, groups } = next.approvers;
  const member = users.includes(user) || (req.userInfo.groups ?? []).some((g) => groups.includes(g));
  if (!member)
    return deny(
      'BOSUN_ERR_APPROVAL_FORGED',
      `${user} is not an approver of this Approval ` +
        `(users: ${users.join(', ') || 'none'}; groups: ${groups.join(', ') || 'none'})`,
    );
  if (next.requester && next.requester.username === user)
    return deny(
      'BOSUN_ERR_APPROVAL_FORGED',
      `${user} asked for this Goal and cannot approve it: another approver must decide (four eyes)`,
    );
  const state = (req.oldObject?.status as ApprovalStatus | undefined)?.state;
  if (state === 'Superseded')
    return deny(
      'BOSUN_ERR_APPROVAL_CLOSED',
      "this Approval was superseded by a newer plan; decide on the Goal's current Approval (status.approvalRef)",
    );
  if (rules.now.getTime() >= Date.parse(next.expiresAt) || state === 'Expired')
    return deny('BOSUN_ERR_APPROVAL_CLOSED', `this Approval expired at ${next.expiresAt}; it takes no more decisions`);
  // the time and the groups of the decision are the API server's, not the approver's
  const stamped = req.userInfo.groups ?? [];
  if (rules.validating) {
    if (!decision.decidedAt || canonicalJson(decision.groups) !== canonicalJson(stamped))
      return deny(
        'BOSUN_ERR_APPROVAL_FORGED',
        "the decision lacks the time and groups Bosun's mutating webhook stamps: is the bosun-admission " +
          'MutatingWebhookConfiguration registered?',
      );
    const ref = { subjectUid: next.subjectRef.uid ?? '', approvalUid: req.object?.metadata.uid ?? '' };
    return { allowed: true, admitted: { ref, decision } };
  }
  const at = `/spec/decisions/${next.decisions.length - 1}`;
  return {
    allowed: true,
    patch: [
      { op: 'add', path: `${at}/decidedAt`, value: timestamp(rules.now) },
      { op: 'add', path: `${at}/groups`, value: stamped },
    ],
  };
}
