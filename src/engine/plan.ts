// From a proposed plan to the subject's status, for any planning kind: the
// steps confined to the subject's namespace, checked by the registry, scored
// and judged by policy (assess.ts), then the preflight (authority, executor,
// server-side dry-run) before the plan is shown to anyone.
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import type { KubeClient } from '../kube/client.js';
import type { KindMapper } from '../kube/discovery.js';
import type { ExecutorCredentials } from '../kube/executor-credentials.js';
import type { EffectivePolicy } from '../policy/decision.js';
import type { Gate, ToolRegistry } from '../tools/registry.js';
import type { TargetState } from '../tools/tool.js';
import { assessPlan } from './assess.js';
import { afterPlanning } from './phases.js';
import { namespaceIsProtected } from './policy.js';
import { preflight, stepNeeds } from './preflight.js';
import { stalledStatus } from './status.js';
import type { PlanStatus, PlanSubject, SubjectKind } from './subject.js';

export interface PlanDeps {
  /** Bosun's own client: reads, dry-runs and SubjectAccessReviews */
  client: KubeClient;
  mapper: KindMapper;
  executors: ExecutorCredentials;
}

export interface Proposal {
  proposed: ExecutionPlan;
  registry: ToolRegistry;
  gate: Gate;
  policy: EffectivePolicy;
  /** the target as gathered: tools size their impact and undo from it */
  target?: TargetState | null;
  /** the plan came from a model: policy's llmStepRiskFloor applies */
  fromModel: boolean;
}

/**
 * The status after planning: Stalled with what to change, the same status when nothing that matters
 * changed, or the decided plan (held, denied, or executing), then `fresh`.
 */
export async function decidePlan<S extends PlanStatus>(
  deps: PlanDeps,
  kind: SubjectKind<S>,
  subject: PlanSubject<S>,
  input: Proposal,
  now: Date,
): Promise<{ status: S; fresh?: true }> {
  const { client } = deps;
  const { proposed, registry, gate, policy } = input;
  const namespace = subject.metadata.namespace ?? '';
  const prev = subject.status ?? ({} as S);
  const confined = await stepNeeds(proposed.steps, registry, { namespace, mapper: deps.mapper });
  if ('stall' in confined) return { status: stalledStatus(subject, confined.stall, now) };
  const assessed = assessPlan({
    proposed,
    registry,
    gate,
    policy,
    namespace,
    namespaceProtected: await namespaceIsProtected(client, namespace),
    target: input.target,
    fromModel: input.fromModel,
  });
  if ('stall' in assessed) return { status: stalledStatus(subject, assessed.stall, now) };
  // a changed spec makes a new plan only when the plan, what policy makes of it, or the mode differs:
  // a plan-only run switched to auto runs for real (its dry-run journal is keyed apart), and back
  if (
    prev.plan &&
    prev.planHash === assessed.plan.hash &&
    (prev.mode ?? 'auto') === subject.spec.mode &&
    prev.phase !== kind.phases.stalled &&
    prev.decision === assessed.plan.decision.rule
  ) {
    return { status: { ...prev, observedGeneration: subject.metadata.generation, policyVersion: policy.version } };
  }
  let decided = assessed.plan;
  let authority: string | undefined;
  if (decided.decision.action !== 'deny') {
    const pre = await preflight({
      kind: kind.kind,
      plan: decided,
      registry,
      gate,
      policy,
      namespace,
      requester: subject.spec.requester,
      needs: confined.needs,
      reader: client,
      mapper: deps.mapper,
      executors: deps.executors,
      fieldManager: client.fieldManager,
      now,
    });
    if ('stall' in pre) return { status: stalledStatus(subject, pre.stall, now) };
    decided = { ...decided, steps: pre.steps };
    authority =
      pre.authority.on === 'approvers'
        ? pre.authority.message
        : `runs on the rights of its requester, ${subject.spec.requester?.username ?? '?'}`;
  }
  const planned = afterPlanning(
    kind,
    prev,
    decided,
    subject.spec.mode,
    now,
    subject.metadata.generation,
    policy.version,
  );
  return { status: { ...planned, authority }, fresh: true };
}
