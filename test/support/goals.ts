// Goals and Approvals from tests: apply as a user, read back, wait for a phase.
import type { IdentityName } from '../../hack/control-plane/identities.js';
import { until } from '../../hack/control-plane/wait.js';
import { kubectl, kubectlOk } from './cluster.js';

export interface GoalView {
  metadata: { name: string; uid: string; generation: number; resourceVersion?: string };
  spec: { requester?: { username: string; groups?: string[] } };
  status?: {
    phase?: string;
    risk?: string;
    riskReasons?: string[];
    decision?: string;
    authority?: string;
    approvalRef?: string;
    plan?: { steps: { tool: string; state?: string; risk: string; message?: string; diff?: string[] }[] };
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

export interface ApprovalView {
  metadata: { name: string };
  spec: {
    authority?: string;
    requester?: { username: string };
    steps: { tool: string; summary: string; risk: string; diff?: string[] }[];
    decisions: { user: string; decision: string; comment?: string; decidedAt?: string; groups?: string[] }[];
  };
  status?: { state?: string; approvals?: number };
}

export const goalJson = (name: string, spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { name }, spec });

/** `kubectl apply` of a RiskPolicy (as admin). */
export const applyRiskPolicy = (namespace: string, name: string, spec: Record<string, unknown>) =>
  kubectlOk(['apply', '-f', '-'], {
    namespace,
    input: JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'RiskPolicy', metadata: { name }, spec }),
  });

/** `kubectl apply` of a Goal as `as` (default admin). */
export const applyGoal = (namespace: string, name: string, spec: Record<string, unknown>, as?: IdentityName) =>
  kubectlOk(['apply', '-f', '-'], { as, namespace, input: goalJson(name, spec) });

export const getGoal = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'goal', name, '-o', 'json'], { namespace })) as GoalView;

export const condition = (g: GoalView, type: string) => g.status?.conditions?.find((c) => c.type === type);

/** Waits for a phase; the failure message shows the Goal's status and `more` (the operator's log). */
export async function waitPhase(
  namespace: string,
  name: string,
  phase: string,
  more: () => string = () => '',
  timeoutMs = 60_000,
): Promise<GoalView> {
  await until(
    `${name} ${phase}`,
    async () => getGoal(namespace, name).status?.phase === phase,
    timeoutMs,
    () => `${JSON.stringify(getGoal(namespace, name).status, null, 1)}\n${more()}`,
  );
  return getGoal(namespace, name);
}

export const getApproval = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'approval', name, '-o', 'json'], { namespace })) as ApprovalView;

/** Adds `user`'s approval, as `as` (default: that user). */
export const approveAs = (namespace: string, approval: string, user: IdentityName, comment = 'ok') =>
  kubectl(
    [
      'patch',
      'approval',
      approval,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/spec/decisions/-', value: { user, decision: 'approve', comment } }]),
    ],
    { as: user, namespace },
  );
