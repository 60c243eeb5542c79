// Right before a mutating step runs: whose rights carry it (asked of the API
// server again, since RBAC may have changed since planning), and the
// short-lived executor identity it writes as.
import { errorMessage, hasCode } from '../api/errors.js';
import { ApprovalSpec } from '../api/v1alpha1/approval.js';
import type { PlanStep } from '../api/v1alpha1/common.js';
import { ConditionType, PlanReason } from '../api/v1alpha1/reasons.js';
import type { KubeClient } from '../kube/client.js';
import type { KindMapper } from '../kube/discovery.js';
import type { StateStore } from '../store/state-store.js';
import { executorSetupHint, type ExecutorCredentials } from '../kube/executor-credentials.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { ApprovalCache } from './approvals.js';
import { admitted, ownedBy } from './approval.js';
import { noRequester, stepAuthority, type Approved } from './authority.js';
import type { PlanSubject, Stall } from './subject.js';

export interface WriterDeps {
  /** Bosun's own client: reads and SubjectAccessReviews */
  reader: KubeClient;
  mapper: KindMapper;
  executors: ExecutorCredentials;
  approvals: ApprovalCache;
  /** the decisions Bosun's webhook admitted: only those count */
  decisions: Pick<StateStore, 'admittedDecisions'>;
  fieldManager: string;
}

/**
 * The approvers whose decisions carried the subject's current plan, with the groups the API server
 * stamped: only decisions Bosun's webhook admitted, on an Approval this very subject owns.
 */
export async function approvedBy(
  subject: PlanSubject,
  kind: string,
  deps: Pick<WriterDeps, 'approvals' | 'decisions'>,
): Promise<Approved | undefined> {
  const status = subject.status ?? {};
  const approved = status.conditions?.find((c) => c.type === ConditionType.Approved)?.status === 'True';
  if (!approved || !status.approvalRef) return undefined;
  const obj = deps.approvals.get(subject.metadata.namespace, status.approvalRef);
  if (!obj || !ownedBy(obj, subject, kind)) return undefined;
  const parsed = ApprovalSpec.safeParse(obj.spec);
  if (!parsed.success || parsed.data.planHash !== status.planHash) return undefined;
  const recorded = await deps.decisions.admittedDecisions({
    subjectUid: subject.metadata.uid ?? '',
    approvalUid: obj.metadata.uid ?? '',
  });
  const { spec } = admitted(parsed.data, recorded);
  const deciders = spec.decisions
    .filter((d) => d.decision === 'approve')
    .map((d) => ({ username: d.user, groups: d.groups ?? [] }));
  return { deciders, required: spec.requiredApprovals };
}

export async function writerFor(
  deps: WriterDeps,
  subject: PlanSubject,
  kind: string,
  step: PlanStep,
  registry: ToolRegistry,
): Promise<{ client: KubeClient } | { stall: Stall }> {
  const namespace = subject.metadata.namespace ?? '';
  const requester = subject.spec.requester;
  if (!requester) return { stall: noRequester(kind) };
  const needs = await registry.access(step, { namespace, mapper: deps.mapper });
  const authority = await stepAuthority(deps.reader, {
    requester,
    needs,
    approved: await approvedBy(subject, kind, deps),
  });
  if ('stall' in authority) return authority;
  return executorFor(deps.executors, namespace, deps.fieldManager);
}

/** The namespace's executor identity, or NoExecutor with the two commands its admin runs. */
export async function executorFor(
  executors: ExecutorCredentials,
  namespace: string,
  fieldManager: string,
): Promise<{ client: KubeClient } | { stall: Stall }> {
  try {
    return { client: await executors.clientFor(namespace, fieldManager) };
  } catch (err) {
    if (!hasCode(err, 'BOSUN_ERR_NO_EXECUTOR')) throw err;
    const message =
      `${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}: ask the namespace's admin to create and bind it ` +
      `(${executorSetupHint(namespace, executors.name)}), binding only what Bosun may do here`;
    return { stall: { reason: PlanReason.NoExecutor, message } };
  }
}
