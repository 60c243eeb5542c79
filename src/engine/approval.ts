// Approvals for a held plan, whatever kind holds it: what Bosun creates, and
// what the decisions on it mean. Pure.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../api/canonical.js';
import { boundedName, timestamp } from '../api/v1alpha1/common.js';
import type { ApprovalSpec, ApprovalState, ApprovalStatus, Decision } from '../api/v1alpha1/approval.js';
import { API_VERSION } from '../api/v1alpha1/kinds.js';
import { approvalSummary, planRunbook } from '../api/v1alpha1/plan.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import type { EffectivePolicy } from '../policy/decision.js';
import { markReady, markSettled, markStalled, markWaiting } from './kstatus.js';
import { runOf, type PlanStatus, type PlanSubject, type SubjectKind } from './subject.js';

/**
 * Deterministic: one Approval per subject (by UID), plan and the generation it was made for, so a
 * repeat create is a no-op, and a subject made again under the same name, or the same plan in a later
 * generation, asks for a new one.
 */
export const approvalName = (subject: Pick<PlanSubject, 'metadata' | 'status'>, run?: string) => {
  const m = subject.metadata;
  const bound = `${m.uid ?? ''}/${subject.status?.planHash ?? ''}/${run ?? subject.status?.planGeneration ?? 0}`;
  return `${boundedName(m.name, 242)}-${createHash('sha256').update(bound).digest('hex').slice(0, 10)}`;
};

/** An Approval counts for a subject only if that very subject (by kind and UID, not by name) owns it. */
export const ownedBy = (approval: KubeObject, subject: Pick<PlanSubject, 'metadata'>, kind: string) =>
  !!subject.metadata.uid &&
  (approval.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.uid === subject.metadata.uid) &&
  (approval.spec as { subjectRef?: { uid?: string } } | undefined)?.subjectRef?.uid === subject.metadata.uid;

/**
 * The decisions that count: those on the Approval that Bosun's webhook admitted and recorded, exactly
 * as they stand. One written past the webhook (a webhook unregistered for a moment, a copy of a
 * decision from another Approval) is `unadmitted`, and counts for nothing.
 */
export function admitted(spec: ApprovalSpec, recorded: readonly Decision[]) {
  const known = new Set(recorded.map(canonicalJson));
  const counts = (d: Decision) => known.has(canonicalJson(d));
  return {
    spec: { ...spec, decisions: spec.decisions.filter(counts) },
    unadmitted: spec.decisions.filter((d) => !counts(d)),
  };
}

/** What will happen and how to undo it, as the planner checked it fits an Approval (src/api/v1alpha1/plan.ts). */
export const runbook = (subject: PlanSubject, kind = 'Goal'): string =>
  planRunbook(subject.metadata.namespace, subject.metadata.name, subject.status?.plan?.steps ?? [], kind);

export function approvalFor<S extends PlanStatus>(
  subject: PlanSubject<S>,
  kind: Pick<SubjectKind<S>, 'kind' | 'approvalLabel' | 'run'>,
  policy: EffectivePolicy,
  now: Date,
): KubeObject & { spec: ApprovalSpec } {
  const status = subject.status ?? ({} as S);
  const planHash = status.planHash ?? '';
  const requester = subject.spec.requester;
  const { name, namespace, uid } = subject.metadata;
  return {
    apiVersion: API_VERSION,
    kind: 'Approval',
    metadata: {
      name: approvalName(subject, runOf(kind, status)),
      namespace,
      labels: { [kind.approvalLabel]: boundedName(name, 63) },
      ownerReferences: [
        { apiVersion: API_VERSION, kind: kind.kind, name, uid: uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      subjectRef: { apiVersion: API_VERSION, kind: kind.kind, name, namespace, uid },
      ...(requester && { requester }),
      ...(status.authority && { authority: status.authority }),
      planHash,
      steps: (status.plan?.steps ?? []).map((s, index) => ({
        index,
        tool: s.tool,
        summary: approvalSummary(s),
        risk: s.risk,
        ...(s.diff?.length && { diff: s.diff }),
      })),
      risk: status.risk ?? 'none',
      reasons: [...(status.riskReasons ?? []), status.decision ?? ''].filter(Boolean).slice(0, 20),
      runbook: runbook(subject, kind.kind),
      approvers: policy.spec.approvers,
      requiredApprovals: policy.spec.requiredApprovals,
      expiresAt: timestamp(new Date(now.getTime() + policy.spec.approvalTTLSeconds * 1000)),
      decisions: [],
    },
  };
}

export interface Verdict {
  state: Exclude<ApprovalState, 'Superseded'>;
  status: ApprovalStatus;
  /** for a person: who decided, or why not yet */
  message: string;
}

/** What the decisions on an Approval add up to at `now`. Decisions were checked at admission. */
export function judge(spec: ApprovalSpec, now: Date): Verdict {
  const denial = spec.decisions.find((d) => d.decision === 'deny');
  const approvals = spec.decisions.filter((d) => d.decision === 'approve');
  const decidedAt = (who: typeof spec.decisions) =>
    who
      .map((d) => d.decidedAt)
      .filter((t): t is string => !!t)
      .sort()
      .at(-1);
  if (denial) {
    return {
      state: 'Denied',
      status: { state: 'Denied', approvals: approvals.length, decidedBy: [denial.user], decidedAt: denial.decidedAt },
      message: `denied by ${denial.user}${denial.comment ? `: ${denial.comment}` : ''}`,
    };
  }
  if (approvals.length >= spec.requiredApprovals) {
    return {
      state: 'Approved',
      status: {
        state: 'Approved',
        approvals: approvals.length,
        decidedBy: approvals.map((d) => d.user),
        decidedAt: decidedAt(approvals),
      },
      message: `approved by ${approvals.map((d) => d.user).join(', ')} (${approvals.length}/${spec.requiredApprovals})`,
    };
  }
  if (now.getTime() >= Date.parse(spec.expiresAt)) {
    return {
      state: 'Expired',
      status: { state: 'Expired', approvals: approvals.length, decidedBy: approvals.map((d) => d.user) },
      message: `expired at ${spec.expiresAt} with ${approvals.length}/${spec.requiredApprovals} approval(s)`,
    };
  }
  return {
    state: 'Pending',
    status: { state: 'Pending', approvals: approvals.length, decidedBy: approvals.map((d) => d.user) },
    message: `${approvals.length}/${spec.requiredApprovals} approval(s) so far; expires at ${spec.expiresAt}`,
  };
}

/**
 * An Approval's status for its state, with the conditions kstatus reads and observedGeneration (a decision
 * appended is a new generation): Pending is in progress (a person moves it on), Approved is Ready, Denied and
 * Expired are Stalled, and Superseded is settled (none of them: a newer plan asks for a new Approval).
 */
export function approvalStatus(
  approval: { metadata: { generation?: number }; status?: ApprovalStatus },
  status: ApprovalStatus,
  message: string,
  now: Date,
): ApprovalStatus {
  const gen = approval.metadata.generation;
  const prev = approval.status?.conditions;
  const conditions = (() => {
    switch (status.state) {
      case 'Approved':
        return markReady(prev, PlanReason.Approved, message, now, gen);
      case 'Denied':
        return markStalled(prev, PlanReason.ApprovalDenied, message, now, gen);
      case 'Expired':
        return markStalled(prev, PlanReason.ApprovalExpired, message, now, gen);
      case 'Superseded':
        return markSettled(prev, ConditionType.Superseded, PlanReason.Superseded, message, now, gen);
      default:
        return markWaiting(prev, PlanReason.AwaitingApproval, message, now, gen);
    }
  })();
  return { ...approval.status, ...status, observedGeneration: gen, conditions };
}
