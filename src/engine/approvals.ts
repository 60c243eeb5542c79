// The AwaitingApproval phase of any planning kind: create the Approval for the
// current plan, mark Approvals of older plans superseded, keep each Approval's
// status, and move the subject on when the decisions add up.
import { hasCode } from '../api/errors.js';
import { timestamp } from '../api/v1alpha1/common.js';
import { ApprovalSpec, type ApprovalStatus } from '../api/v1alpha1/approval.js';
import { API_VERSION } from '../api/v1alpha1/kinds.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import type { KubeClient } from '../kube/client.js';
import type { EventRecorder } from '../kube/events.js';
import { deepEqual } from '../kube/merge-patch.js';
import type { StateStore } from '../store/state-store.js';
import { builtInPolicy } from '../policy/decision.js';
import { setCondition } from '../runtime/conditions.js';
import { admitted, approvalFor, approvalName, approvalStatus, judge, ownedBy } from './approval.js';
import { approvalResource } from './informers.js';
import { loadPolicy, type PolicyCache } from './policy.js';
import { markAwaitingApproval, markFailed, markRunning } from './kstatus.js';
import { runOf, type PlanStatus, type PlanSubject, type SubjectKind } from './subject.js';

export interface ApprovalCache {
  get(namespace: string | undefined, name: string): KubeObject | undefined;
  byOwner(uid: string): KubeObject[];
}

interface Deps {
  /** the subject's controller's client (its field manager) */
  client: KubeClient;
  events: EventRecorder;
  approvals: ApprovalCache;
  /** Bosun's etcd: the decisions its webhook admitted (only those count) */
  store: Pick<StateStore, 'admittedDecisions'>;
  policies: PolicyCache;
  operatorNamespace: string;
}

type ApprovalObject = KubeObject & { spec?: unknown; status?: ApprovalStatus };

/** The Approved condition while waiting: which Approval, why it is needed, what it still lacks. */
const waiting = (name: string, prev: PlanStatus, what: string) =>
  `waiting for Approval ${name} (${prev.decision ?? 'policy'}${prev.riskReasons?.length ? `; risk ${prev.risk}: ${prev.riskReasons.join('; ')}` : ''}): ${what}`;

/** Still held: Approved is False with what it lacks, and Ready and Reconciling say the same (in progress). */
const held = (c: PlanStatus['conditions'], message: string, now: Date, gen: number | undefined) =>
  markAwaitingApproval(
    setCondition(
      c,
      { type: ConditionType.Approved, status: 'False', reason: PlanReason.ApprovalRequired, message },
      now,
      gen,
    ),
    message,
    now,
    gen,
  );

export function approvalHandler(deps: Deps) {
  const { client, events } = deps;

  /** Writes an Approval's status when it changed, with an Event on the Approval for a new state. */
  async function record(approval: ApprovalObject, status: ApprovalStatus, note: string, now: Date): Promise<void> {
    const next = approvalStatus(approval, status, note, now);
    if (deepEqual(next, approval.status ?? {})) return;
    await client.patchStatus(approvalResource, approval, next);
    if (status.state !== approval.status?.state) {
      const type = status.state === 'Approved' || status.state === 'Pending' ? 'Normal' : 'Warning';
      await events.event(
        { ...approval, apiVersion: API_VERSION, kind: 'Approval' },
        type,
        status.state ?? 'Pending',
        note,
        'Decide',
      );
    }
  }

  async function awaitApproval<S extends PlanStatus>(
    subject: PlanSubject<S>,
    kind: SubjectKind<S>,
    now: Date,
  ): Promise<{ next: S; requeueAfter?: number }> {
    const prev = subject.status ?? ({} as S);
    const namespace = subject.metadata.namespace ?? '';
    const gen = subject.metadata.generation;
    const planHash = prev.planHash ?? '';
    const name = approvalName(subject, runOf(kind, prev));
    const { phases } = kind;

    // an Approval of an older plan is void
    for (const old of deps.approvals.byOwner(subject.metadata.uid ?? '') as ApprovalObject[]) {
      const spec = ApprovalSpec.safeParse(old.spec);
      if (spec.success && old.metadata.name !== name && old.status?.state !== 'Superseded') {
        await record(
          old,
          { state: 'Superseded' },
          `the ${kind.kind}'s plan changed (now ${planHash.slice(0, 12)}); this Approval no longer applies`,
          now,
        );
      }
    }

    const policy =
      loadPolicy(deps.policies, namespace, subject.spec.riskPolicyRef, deps.operatorNamespace) ?? builtInPolicy;
    const found = deps.approvals.get(namespace, name) as ApprovalObject | undefined;
    // only an Approval this very subject owns counts: never one left by an earlier one of the same name
    const approval = found && ownedBy(found, subject, kind.kind) ? found : undefined;
    if (!approval) {
      const { users, groups } = policy.spec.approvers;
      if (!users.length && !groups.length) {
        const message = `held for approval, but ${policy.source} lists no approvers: add spec.approvers to a RiskPolicy`;
        return {
          next: {
            ...prev,
            conditions: held(prev.conditions, message, now, gen),
          },
        };
      }
      try {
        await client.create(approvalResource, approvalFor(subject, kind, policy, now));
      } catch (err) {
        if (!hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err; // already there: the cache has not seen it yet
      }
      const who = [...users.map((u) => `user ${u}`), ...groups.map((g) => `group ${g}`)].join(', ');
      const message = waiting(
        name,
        prev,
        `${policy.spec.requiredApprovals} approval(s) from ${who}; approve with: kubectl bosun approve ${name} -n ${namespace}`,
      );
      return {
        next: {
          ...prev,
          approvalRef: name,
          conditions: held(prev.conditions, message, now, gen),
        },
      };
    }

    const recorded = await deps.store.admittedDecisions({
      subjectUid: subject.metadata.uid ?? '',
      approvalUid: approval.metadata.uid ?? '',
    });
    const { spec, unadmitted } = admitted(ApprovalSpec.parse(approval.spec), recorded);
    const verdict = judge(spec, now);
    if (unadmitted.length) {
      const who = unadmitted.map((d) => `${d.user} (${d.decision})`).join(', ');
      const note =
        `not counted: ${who}: written past Bosun's admission webhook; other approvers can still decide, ` +
        `or change the ${kind.kind} to ask for a new Approval`;
      verdict.message += `; ${note}`;
      await events.event(
        { ...approval, apiVersion: API_VERSION, kind: 'Approval' },
        'Warning',
        'NotAdmitted',
        note,
        'Decide',
      );
    }
    await record(approval, verdict.status, verdict.message, now);
    const base: S = { ...prev, approvalRef: name, observedGeneration: gen };
    switch (verdict.state) {
      case 'Pending': {
        const conditions = held(prev.conditions, waiting(name, prev, verdict.message), now, gen);
        return {
          next: { ...base, conditions },
          requeueAfter: Math.max(1000, Date.parse(spec.expiresAt) - now.getTime()),
        };
      }
      case 'Approved': {
        let conditions = setCondition(
          prev.conditions,
          {
            type: ConditionType.Approved,
            status: 'True',
            reason: PlanReason.Approved,
            message: `Approval ${name} ${verdict.message}`,
          },
          now,
          gen,
        );
        conditions = markRunning(
          conditions,
          `approved; step 1/${prev.plan?.steps.length ?? 0}: ${prev.plan?.steps[0]?.description ?? ''}`,
          now,
          gen,
        );
        return { next: { ...base, phase: phases.executing, startedAt: timestamp(now), conditions } };
      }
      case 'Denied': {
        let conditions = setCondition(
          prev.conditions,
          {
            type: ConditionType.Approved,
            status: 'False',
            reason: PlanReason.ApprovalDenied,
            message: `Approval ${name} ${verdict.message}`,
          },
          now,
          gen,
        );
        conditions = markFailed(
          conditions,
          PlanReason.ApprovalDenied,
          `Approval ${name} ${verdict.message}; nothing was run`,
          now,
          gen,
        );
        return { next: { ...base, phase: phases.denied, completedAt: timestamp(now), conditions } };
      }
      case 'Expired': {
        const message = `Approval ${name} ${verdict.message}; nothing was run (RiskPolicy onExpiry: ${policy.spec.onExpiry})`;
        let conditions = setCondition(
          prev.conditions,
          { type: ConditionType.Approved, status: 'False', reason: PlanReason.ApprovalExpired, message },
          now,
          gen,
        );
        conditions = markFailed(conditions, PlanReason.ApprovalExpired, message, now, gen);
        return {
          next: {
            ...base,
            phase: policy.spec.onExpiry === 'fail' ? phases.failed : phases.denied,
            completedAt: timestamp(now),
            conditions,
          },
        };
      }
    }
  }

  return { await: awaitApproval };
}
