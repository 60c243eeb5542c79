// Right before a mutating step runs: whose rights carry it (asked of the API
// server again, since RBAC may have changed since planning), and the
// short-lived executor identity it writes as.
import { errorMessage, hasCode } from '../../api/errors.js';
import { ApprovalSpec } from '../../api/v1alpha1/approval.js';
import type { PlanStep } from '../../api/v1alpha1/common.js';
import type { Goal } from '../../api/v1alpha1/goal.js';
import { ConditionType, GoalReason } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import type { KindMapper } from '../../kube/discovery.js';
import type { StateStore } from '../../store/state-store.js';
import { executorSetupHint, type ExecutorCredentials } from '../../kube/executor-credentials.js';
import type { ToolRegistry } from '../../tools/registry.js';
import type { ApprovalCache } from './approvals.js';
import { admitted, ownedBy } from './approval.js';
import { noRequester, stepAuthority, type Approved } from './authority.js';
import type { Stall } from './validate.js';

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
 * The approvers whose decisions carried the Goal's current plan, with the groups the API server
 * stamped: only decisions Bosun's webhook admitted, on an Approval this very Goal owns.
 */
export async function approvedBy(
  goal: Goal,
  deps: Pick<WriterDeps, 'approvals' | 'decisions'>,
): Promise<Approved | undefined> {
  const status = goal.status ?? {};
  const approved = status.conditions?.find((c) => c.type === ConditionType.Approved)?.status === 'True';
  if (!approved || !status.approvalRef) return undefined;
  const obj = deps.approvals.get(goal.metadata.namespace, status.approvalRef);
  if (!obj || !ownedBy(obj, goal)) return undefined;
  const parsed = ApprovalSpec.safeParse(obj.spec);
  if (!parsed.success || parsed.data.planHash !== status.planHash) return undefined;
  const recorded = await deps.decisions.admittedDecisions({
    subjectUid: goal.metadata.uid ?? '',
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
  goal: Goal,
  step: PlanStep,
  registry: ToolRegistry,
): Promise<{ client: KubeClient } | { stall: Stall }> {
  const namespace = goal.metadata.namespace ?? '';
  const requester = goal.spec.requester;
  if (!requester) return { stall: noRequester('Goal') };
  const needs = await registry.access(step, { namespace, mapper: deps.mapper });
  const authority = await stepAuthority(deps.reader, {
    requester,
    needs,
    approved: await approvedBy(goal, deps),
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
    return { stall: { reason: GoalReason.NoExecutor, message } };
  }
}
