// Admission decisions, pure: who may decide on an Approval (and as whom, and
// when), and the requester stamped on Goals, Remediations and PipelineRuns from
// the API server's userInfo. The identity always comes from the API server's
// request, never from a field a person typed.
import { ApprovalSpec, type ApprovalStatus } from '../api/v1alpha1/approval.js';
import { Requester, timestamp } from '../api/v1alpha1/common.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';

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

export type Review = { allowed: true; patch?: JsonPatchOp[] } | { allowed: false; message: string };

const allow: Review = { allowed: true };
const deny = (message: string): Review => ({ allowed: false, message });

/** The kinds whose objects carry spec.requester. */
export const REQUESTED_KINDS: readonly string[] = ['Goal', 'Remediation', 'PipelineRun'];

const requesterOf = (o: AdmissionRequest['object']) => {
  const r = (o?.spec as { requester?: unknown } | undefined)?.requester;
  return r === undefined ? undefined : Requester.safeParse(r);
};

const sameRequester = (a: Requester, b: Requester) =>
  a.username === b.username && a.uid === b.uid && JSON.stringify(a.groups) === JSON.stringify(b.groups);

/**
 * Goals, Remediations, PipelineRuns: spec.requester is the API server's userInfo
 * of whoever creates the object, whatever was typed. Bosun itself creates them
 * only for a trigger (an alert, a push), with that trigger's configured identity,
 * never its own. Afterwards the requester cannot change: an update that leaves
 * it out gets it back (so `kubectl apply` and GitOps tools need not know it);
 * an update that sets another one is refused.
 */
export function reviewRequested(req: AdmissionRequest, operatorUser: string): Review {
  const kind = req.kind.kind;
  if (req.operation === 'CREATE') {
    if (req.userInfo.username === operatorUser) {
      const typed = requesterOf(req.object);
      if (!typed?.success)
        return deny(`Bosun creates a ${kind} only for a trigger, with the trigger's identity in spec.requester`);
      if (typed.data.username === operatorUser)
        return deny(`a ${kind} Bosun creates carries its trigger's identity, never Bosun's own (${operatorUser})`);
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
}

/** Approvals: created only by Bosun; each decision added by a listed approver, as themselves, once, in time, never by the requester or by Bosun. */
export function reviewApproval(req: AdmissionRequest, rules: ApprovalRules): Review {
  const user = req.userInfo.username;
  if (req.operation === 'CREATE') {
    return user === rules.operatorUser
      ? allow
      : deny(`Approvals are created by Bosun when policy holds a plan; ${user} cannot create one`);
  }
  if (req.operation !== 'UPDATE') return allow;
  const next = ApprovalSpec.safeParse(req.object?.spec);
  const prev = ApprovalSpec.safeParse(req.oldObject?.spec);
  if (!next.success || !prev.success) return allow; // the schema (CRD) answers for malformed objects
  const added = next.data.decisions.slice(prev.data.decisions.length);
  if (!added.length) return allow;
  if (added.length > 1) return deny('add one decision at a time (your own)');
  const [decision] = added;
  if (!decision) return allow;
  if (user === rules.operatorUser) return deny(`Bosun's own identity (${user}) cannot decide on an Approval`);
  if (decision.user !== user)
    return deny(`a decision must be your own: you are ${user}, and the decision says ${decision.user}`);
  const { users, groups } = next.data.approvers;
  const member = users.includes(user) || (req.userInfo.groups ?? []).some((g) => groups.includes(g));
  if (!member)
    return deny(
      `${user} is not an approver of this Approval (users: ${users.join(', ') || 'none'}; groups: ${groups.join(', ') || 'none'})`,
    );
  if (next.data.requester && next.data.requester.username === user)
    return deny(`${user} asked for this Goal and cannot approve it: another approver must decide (four eyes)`);
  const state = (req.oldObject?.status as ApprovalStatus | undefined)?.state;
  if (state === 'Superseded')
    return deny(
      "this Approval was superseded by a newer plan; decide on the Goal's current Approval (status.approvalRef)",
    );
  if (rules.now.getTime() >= Date.parse(next.data.expiresAt) || state === 'Expired')
    return deny(`this Approval expired at ${next.data.expiresAt}; it takes no more decisions`);
  // the time and the groups of the decision are the API server's, not the approver's
  const at = `/spec/decisions/${next.data.decisions.length - 1}`;
  return {
    allowed: true,
    patch: [
      { op: 'add', path: `${at}/decidedAt`, value: timestamp(rules.now) },
      { op: 'add', path: `${at}/groups`, value: req.userInfo.groups ?? [] },
    ],
  };
}
