// The Agent contract: an agent turns what was gathered for a subject (desired
// and actual state for a Goal; an issue, its evidence and diagnosis for a
// Remediation) into a proposal: an ExecutionPlan, why there is none, or when to
// ask again. No side effects: tools do the work later, after risk, policy,
// approval and the requester's authority. The rule planners (the Goal agent,
// the Heal agent) and the model planner are agents alike, so a controller asks
// whichever the subject chose the same way (src/engine/propose.ts).
import { BosunError } from '../api/errors.js';
import type { ExecutionPlan } from '../api/v1alpha1/plan.js';
import type { LlmUsage } from '../llm/model.js';
import type { EffectivePolicy } from '../policy/decision.js';
import type { Gate, ToolRegistry } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';

/** What an agent plans from: the subject, what was gathered for it, and what a plan for it may hold. */
export interface PlanInput<Subject, Facts> {
  subject: Subject;
  facts: Facts;
  /** the RiskPolicy in force */
  policy: EffectivePolicy;
  /** the tools the subject's kind plans with, and what the subject and the policy let through */
  registry: ToolRegistry;
  gate: Gate;
  now: Date;
}

/** A subject that cannot go on as it stands (Stalled), or waits for something outside it (Pending). */
export interface Stall {
  reason: string;
  message: string;
}

/**
 * A plan (with the playbook that made it, when a rule did); or a stall that says why there is none; or
 * `waitMs`, ask again after that long (the model is being asked, or its provider has no room now; `unavailable`:
 * the provider failed and is backed off). `usage`: every model round paid for, whatever came of it.
 */
export type Proposal =
  | { plan: ExecutionPlan; playbook?: string; usage?: LlmUsage; redacted?: Record<string, number> }
  | { stall: Stall; usage?: LlmUsage; answers?: unknown[] }
  | { waitMs: number; why: string; unavailable?: Stall; usage?: LlmUsage };

export interface Agent<Subject, Facts> {
  readonly name: string;
  /** a plan for the subject: converge actual to desired, or diagnose and repair an issue; no side effects */
  plan(input: PlanInput<Subject, Facts>): Promise<Proposal>;
  /** the tools its plans use */
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
