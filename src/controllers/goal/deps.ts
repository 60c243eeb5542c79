// What the Goal reconciler is given: what the plan engine needs (its skeleton,
// step runner and planning), and what the Goal's own planners need.
import type { Goal } from '../../api/v1alpha1/goal.js';
import type { GoalActual } from '../../agents/goal/actual.js';
import type { EventRecorder } from '../../kube/events.js';
import type { StepDeps } from '../../engine/execute.js';
import type { ApprovalCache } from '../../engine/approvals.js';
import type { PolicyCache } from '../../engine/policy.js';
import type { ReconcileDeps } from '../../engine/reconcile.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';
import type { Agent } from '../../agents/agent.js';

export interface GoalReconcilerDeps extends ReconcileDeps, StepDeps {
  events: EventRecorder;
  log: Logger;
  /** every Secret value read while reconciling is added here before it is used (the log masks it) */
  secrets: SecretSink;
  /** the rule planner (the Goal agent), whose tools Goals plan with */
  agent: Agent<Goal, GoalActual>;
  /** the model planner, for spec.planner: llm (main.ts wires it; absent: such Goals wait, saying why) */
  model?: Agent<Goal, GoalActual>;
  /** RiskPolicies, from the informer cache */
  policies: PolicyCache;
  /** Approvals, from the informer cache */
  approvals: ApprovalCache;
}
