// The rule planner: deterministic playbooks for typed intents, no model. Pure.
// Every step says what it does and why, for `kubectl describe`.
import type { GoalSpec } from '../../api/v1alpha1/goal.js';
import type { ExecutionPlan, ExecutionStep } from '../../api/v1alpha1/plan.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import { planRisk } from '../../policy/risk.js';
import { PlanningError } from '../agent.js';
import type { GoalActual, Workload } from './actual.js';

/** How long a rollout may take before the health check fails. */
export const ROLLOUT_TIMEOUT_SECONDS = 120;

const step = (s: Omit<ExecutionStep, 'when'> & { when?: ExecutionStep['when'] }): ExecutionStep => ({
  when: 'always',
  ...s,
});

const waitStep = (target: string, why: string, when: ExecutionStep['when'] = 'always'): ExecutionStep =>
  step({
    tool: 'k8s.wait-for-condition',
    params: { target, condition: 'RolledOut', timeoutSeconds: ROLLOUT_TIMEOUT_SECONDS },
    description: `wait until ${target} has rolled out`,
    reasoning: why,
    risk: 'none',
    when,
  });

const plan = (steps: ExecutionStep[], reasoning: string): ExecutionPlan => ({
  steps,
  risk: planRisk(steps),
  reasoning,
});

function requireTarget(actual: GoalActual, target: string): Workload {
  if (!actual.target)
    throw new PlanningError(
      GoalReason.TargetNotFound,
      `${target} does not exist in this namespace: create it, or fix spec.intent.target`,
    );
  return actual.target;
}

export function planGoal(spec: GoalSpec, actual: GoalActual): ExecutionPlan {
  const intent = spec.intent;
  if (!intent) {
    throw new PlanningError(
      GoalReason.NoPlanner,
      'free-text goals need the LLM planner: set spec.planner: llm (with a ModelProvider), or state the goal as a ' +
        'typed spec.intent (scale, restart, rollback, deploy-image, apply, delete, diagnose)',
    );
  }
  const target = intent.target ?? '';
  switch (intent.type) {
    case 'scale': {
      const w = requireTarget(actual, target);
      const replicas = intent.replicas ?? w.replicas;
      if (replicas === w.replicas) return plan([], `${target} already has ${replicas} replicas; nothing to do`);
      return plan(
        [
          step({
            tool: 'k8s.scale',
            params: { target, replicas },
            description: `scale ${target} from ${w.replicas} to ${replicas} replicas`,
            reasoning: `spec.intent asks for ${replicas} replicas; ${target} has ${w.replicas}. Undo: scale back to ${w.replicas}.`,
            risk: 'low',
          }),
          waitStep(target, 'the Goal is met only when the new replicas are available'),
        ],
        `scale ${target} to ${replicas} replicas and wait for them`,
      );
    }
    case 'restart': {
      requireTarget(actual, target);
      return plan(
        [
          step({
            tool: 'k8s.rollout-restart',
            params: { target },
            description: `restart the pods of ${target} (rolling)`,
            reasoning: 'spec.intent asks for a restart; a rolling restart replaces pods without downtime',
            risk: 'low',
          }),
          waitStep(target, 'the restart is done only when every new pod is available'),
        ],
        `rolling restart of ${target}`,
      );
    }
    case 'rollback': {
      const w = requireTarget(actual, target);
      const to = intent.revision ?? (w.revision !== undefined ? w.revision - 1 : undefined);
      if (to === undefined || to < 1)
        throw new PlanningError(
          GoalReason.NoPreviousRevision,
          `${target} has no earlier revision to roll back to: set spec.intent.revision`,
        );
      if (to === w.revision) return plan([], `${target} is already at revision ${to}; nothing to do`);
      return plan(
        [
          step({
            tool: 'k8s.rollout-undo',
            params: { target, toRevision: to },
            description: `roll ${target} back from revision ${w.revision ?? '?'} to revision ${to}`,
            reasoning: `spec.intent asks for a rollback${intent.revision ? ` to revision ${to}` : ' to the previous revision'}. Undo: roll forward again.`,
            risk: 'medium',
          }),
          waitStep(target, 'the rollback is done only when the old pods are back and available'),
        ],
        `roll ${target} back to revision ${to}`,
      );
    }
    case 'deploy-image': {
      const w = requireTarget(actual, target);
      const container = intent.container ?? w.containers[0]?.name ?? '';
      const current = w.containers.find((c) => c.name === container);
      if (!current)
        throw new PlanningError(
          GoalReason.UnsupportedTarget,
          `${target} has no container ${container} (containers: ${w.containers.map((c) => c.name).join(', ')}): fix spec.intent.container`,
        );
      const image = intent.image ?? current.image;
      if (current.image === image) return plan([], `${target} already runs ${image}; nothing to do`);
      const steps = [
        step({
          tool: 'k8s.set-image',
          params: { target, container, image },
          description: `deploy ${image} to container ${container} of ${target} (was ${current.image})`,
          reasoning: `spec.intent asks for ${image}`,
          risk: 'medium',
        }),
        waitStep(
          target,
          `health check: every new pod must be available within ${ROLLOUT_TIMEOUT_SECONDS} s, else the deploy is rolled back`,
        ),
      ];
      if (w.revision !== undefined) {
        steps.push(
          step({
            tool: 'k8s.rollout-undo',
            params: { target, toRevision: w.revision },
            description: `if the new pods do not become ready: roll ${target} back to revision ${w.revision} (${current.image})`,
            reasoning: 'automatic rollback of a failed deploy',
            risk: 'medium',
            when: 'on-failure',
          }),
          waitStep(target, 'the rollback is done only when the old pods are available again', 'on-failure'),
        );
      }
      return plan(steps, `deploy ${image} to ${target}, check its health, roll back on failure`);
    }
    case 'apply':
      return plan(
        [
          step({
            tool: 'k8s.apply',
            params: { manifest: intent.manifest ?? '' },
            description: 'server-side apply the manifest in spec.intent.manifest',
            reasoning: 'spec.intent asks for these objects to exist as written',
            risk: 'medium',
          }),
        ],
        'apply the manifest',
      );
    case 'delete':
      if (actual.target === null) return plan([], `${target} does not exist; nothing to do`);
      return plan(
        [
          step({
            tool: 'k8s.delete',
            params: { target, propagationPolicy: 'Background' },
            description: `delete ${target}`,
            reasoning: 'spec.intent asks for it to be deleted; this cannot be undone',
            risk: 'high',
          }),
        ],
        `delete ${target}`,
      );
    case 'diagnose': {
      requireTarget(actual, target);
      const failing = (actual.pods ?? []).filter((p) => !p.ready).slice(0, 3);
      const steps = [
        step({
          tool: 'k8s.describe',
          params: { target },
          description: `read ${target} and its Events`,
          reasoning: 'status and Events say what the controllers think is wrong',
          risk: 'none',
        }),
        step({
          tool: 'k8s.events',
          params: {},
          description: 'read recent Events in the namespace',
          reasoning: "other objects' Events (pods, ReplicaSets) often hold the cause",
          risk: 'none',
        }),
        step({
          tool: 'k8s.list',
          params: { kind: 'replicaset' },
          description: 'list the ReplicaSets (recent rollouts)',
          reasoning: 'a recent rollout is the usual suspect',
          risk: 'none',
        }),
        ...failing.map((p) =>
          step({
            tool: 'k8s.logs',
            params: {
              pod: p.name,
              ...(p.container && { container: p.container }),
              tailLines: 50,
              previous: p.restarts > 0,
            },
            description: `read the log of failing pod ${p.name}${p.reason ? ` (${p.reason})` : ''}`,
            reasoning: 'the failing container says why it fails',
            risk: 'none',
          }),
        ),
      ];
      return plan(
        steps,
        `gather read-only evidence about ${target}${failing.length ? ` and ${failing.length} failing pod(s)` : ''}`,
      );
    }
  }
}
