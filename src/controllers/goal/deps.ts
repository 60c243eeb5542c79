// What the Goal reconciler is given: what the plan engine needs (its skeleton,
// step runner and planning), and what the Goal's own planners need.
import type { Goal } from '../../api/v1alpha1/goal.js';
import type { Agent } from '../../agents/agent.js';
import type { GoalActual } from '../../agents/goal/actual.js';
import type { EventRecorder } from '../../kube/events.js';
import type { StepDeps } from '../../engine/execute.js';
import type { ApprovalCache } from '../../engine/approvals.js';
import type { PolicyCache } from '../../engine/policy.js';
import type { ReconcileDeps } from '../../engine/reconcile.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';
import type { LlmOutcome, LlmUsage } from '../../engine/model/plan.js';
import type { ModelCalls } from '../../engine/model/calls.js';

export interface GoalReconcilerDeps extends ReconcileDeps, StepDeps {
  events: EventRecorder;
  log: Logger;
  /** every Secret value read while reconciling is added here before it is used (the log masks it) */
  secrets: SecretSink;
  agent: Agent<Goal['spec'], GoalActual>;
  /** RiskPolicies, from the informer cache */
  policies: PolicyCache;
  /** Approvals, from the informer cache */
  approvals: ApprovalCache;
  /** LLM tokens and cost, for metrics */
  onLlmUsage?: (usage: LlmUsage, namespace: string) => void;
  /** where a ModelProvider's baseURL may point (--model-endpoints) */
  modelEndpoints: readonly string[];
  /** model calls run here, off the reconcile workers (absent: awaited in the reconcile) */
  modelCalls?: ModelCalls<LlmOutcome>;
}
