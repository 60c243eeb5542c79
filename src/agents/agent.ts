// The Agent contract: agents turn desired and actual state into
// an ExecutionPlan, with no side effects; tools do the work later.
import { BosunError } from '../api/errors.js';
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import type { AnyTool } from '../tools/tool.js';

export interface AgentContext {
  namespace: string;
}

export interface Issue {
  summary: string;
  target: string;
  symptoms: string[];
}

export interface Agent<Desired, Actual> {
  name: string;
  /** a plan for desired given actual; no side effects */
  plan(ctx: AgentContext, desired: Desired, actual: Actual): Promise<ExecutionPlan>;
  /** converge actual → desired */
  reconcile(ctx: AgentContext, desired: Desired, actual: Actual): Promise<ExecutionPlan>;
  /** diagnose and repair */
  heal(ctx: AgentContext, issue: Issue): Promise<ExecutionPlan>;
  tools(): AnyTool[];
}

/** No plan can be made as the spec stands; `reason` goes on the Stalled condition. */
export class PlanningError extends BosunError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('BOSUN_ERR_PLANNING', message);
    this.name = 'PlanningError';
  }
}
