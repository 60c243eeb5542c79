// Admission decisions, pure: who may decide on an Approval (and as whom, and
// when), and the requester stamped on a Goal from the API server's userInfo.
// The identity always comes from the API server's request, never from a field
// a person typed.
import { ApprovalSpec, type ApprovalStatus } from '../api/v1alpha1/approval.js';
import { timestamp } from '../api/v1alpha1/common.js';
import { REQUESTER_ANNOTATION } from '../api/v1alpha1/goal.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';

export interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo: { username: string; groups?: string[] };
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
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Goals: stamp the requester at creation; keep it from changing afterwards. */
export function reviewGoal(req: AdmissionRequest): Review {
  if (req.operation === 'CREATE') {
    const annotations = req.object?.metadata.annotations;
    const patch: JsonPatchOp[] = annotations
      ? [{ op: 'add', path: `/metadata/annotations/${escape(REQUESTER_ANNOTATION)}`, value: req.userInfo.username }]
      : [{ op: 'add', path: '/metadata/annotations', value: { [REQUESTER_ANNOTATION]: req.userInfo.username } }];
    return { allowed: true, patch };
  }
  if (req.operation === 'UPDATE') {
    const before = req.oldObject?.metadata.annotations?.[REQUESTER_ANNOTATION];
    const after = req.object?.metadata.annotations?.[REQUESTER_ANNOTATION];
    if (before !== after)
      return deny(
        `${REQUESTER_ANNOTATION} is set by the API server when the Goal is created (${before ?? 'unset'}) and cannot be changed`,
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
  if (next.data.requester && next.data.requester === user)
    return deny(`${user} asked for this Goal and cannot approve it: another approver must decide (four eyes)`);
  const state = (req.oldObject?.status as ApprovalStatus | undefined)?.state;
  if (state === 'Superseded')
    return deny(
      "this Approval was superseded by a newer plan; decide on the Goal's current Approval (status.approvalRef)",
    );
  if (rules.now.getTime() >= Date.parse(next.data.expiresAt) || state === 'Expired')
    return deny(`this Approval expired at ${next.data.expiresAt}; it takes no more decisions`);
  // the time of the decision is the API server's, not the approver's
  return {
    allowed: true,
    patch: [
      { op: 'add', path: `/spec/decisions/${next.data.decisions.length - 1}/decidedAt`, value: timestamp(rules.now) },
    ],
  };
}
