// Whose rights a plan runs on. Bosun never lets anyone do through it what they
// could not do themselves: every mutating step is put to the API server as a
// SubjectAccessReview for the requester; when the requester may not, a plan
// held for approval may still run on the rights of its approvers, if enough of
// them may. Bosun's own RBAC (and the executor ServiceAccount's) bound it too.
import type { Requester } from '../api/v1alpha1/common.js';
import { PlanReason } from '../api/v1alpha1/reasons.js';
import { describeAccess, firstDenied, type AccessAttributes, type Subject } from '../kube/access.js';
import type { KubeClient } from '../kube/client.js';
import type { Approvers } from '../api/v1alpha1/common.js';
import type { Stall } from './subject.js';

export type Authority = { on: 'requester' } | { on: 'approvers'; message: string };

const subject = (r: Requester): Subject => ({ username: r.username, uid: r.uid, groups: r.groups });

/** What to grant, in kubectl's words. */
export function grantHint(user: string, a: AccessAttributes): string {
  const resource = `${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  return `kubectl create role … --verb=${a.verb} --resource=${resource} -n ${a.namespace}, bound to ${user}`;
}

export const noRequester = (kind: string): Stall => ({
  reason: PlanReason.NoRequester,
  message:
    `the ${kind} has no spec.requester, which Bosun's admission webhook stamps from the API server at creation: ` +
    `register the webhook (config/webhook) and create the ${kind} again`,
});

export function requesterForbidden(user: string, denied: AccessAttributes, held: boolean): Stall {
  const rest = held
    ? 'and too few of the approvers may either: list approvers who may, or grant it'
    : `grant it (${grantHint(user, denied)}), or have the RiskPolicy hold such plans for an approver who may`;
  return {
    reason: PlanReason.RequesterForbidden,
    message: `${user} may not ${describeAccess(denied)}, and Bosun does only what its requester may do: ${rest}`,
  };
}

export function approversAuthority(user: string, denied: AccessAttributes): Authority {
  return {
    on: 'approvers',
    message: `${user} may not ${describeAccess(denied)}; this plan runs on the approvers' authority`,
  };
}

/**
 * At planning: the requester's rights, or, for a plan held for approval, whether
 * enough of the listed approvers could carry it (a listed group counts as enough).
 */
export async function planningAuthority(
  reader: KubeClient,
  input: {
    requester: Requester;
    needs: readonly AccessAttributes[];
    held: boolean;
    approvers: Approvers;
    requiredApprovals: number;
  },
): Promise<{ authority: Authority } | { stall: Stall }> {
  const { requester, needs } = input;
  const denied = await firstDenied(reader, subject(requester), needs);
  if (!denied) return { authority: { on: 'requester' } };
  if (!input.held) return { stall: requesterForbidden(requester.username, denied, false) };
  for (const group of input.approvers.groups) {
    if (!(await firstDenied(reader, { username: '', groups: [group] }, needs))) {
      return { authority: approversAuthority(requester.username, denied) };
    }
  }
  let able = 0;
  for (const user of input.approvers.users) {
    if (user !== requester.username && !(await firstDenied(reader, { username: user, groups: [] }, needs))) able++;
  }
  if (able >= input.requiredApprovals) return { authority: approversAuthority(requester.username, denied) };
  return { stall: requesterForbidden(requester.username, denied, true) };
}

/** The people whose approval carried a plan: their names and the groups the API server stamped on their decision. */
export interface Approved {
  deciders: Subject[];
  required: number;
}

/**
 * Right before a mutating step: the requester may do it, or (for an approved
 * plan) at least the required number of the approvers who approved it may.
 */
export async function stepAuthority(
  reader: KubeClient,
  input: { requester: Requester; needs: readonly AccessAttributes[]; approved?: Approved },
): Promise<{ ok: true } | { stall: Stall }> {
  const denied = await firstDenied(reader, subject(input.requester), input.needs);
  if (!denied) return { ok: true };
  if (input.approved) {
    let able = 0;
    for (const d of input.approved.deciders) if (!(await firstDenied(reader, d, input.needs))) able++;
    if (able >= input.approved.required) return { ok: true };
  }
  return { stall: requesterForbidden(input.requester.username, denied, input.approved !== undefined) };
}
