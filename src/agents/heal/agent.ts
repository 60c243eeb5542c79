// The Heal agent: diagnoses an issue and repairs it with its rule playbooks.
// The controller gathers the read-only evidence and has it diagnosed
// (diagnose.ts) once, for whichever planner heals; this agent picks the
// playbook (playbooks.ts) that fits the diagnosis, or says why a person must act.
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import { RemediationReason } from '../../api/v1alpha1/reasons.js';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import type { AnyTool } from '../../tools/tool.js';
import type { Agent, PlanInput, Proposal } from '../agent.js';
import type { HealLimits } from './decision.js';
import type { Diagnosis } from './diagnose.js';
import type { HealEvidence } from './evidence.js';
import { healPlan } from './playbooks.js';

/** What a heal is planned from. */
export interface HealFacts {
  evidence: HealEvidence;
  diagnosis: Diagnosis;
  /** playbooks tried on this issue before, oldest first */
  tried: readonly string[];
  limits: HealLimits;
}

export class HealAgent implements Agent<Remediation, HealFacts> {
  readonly name = 'heal';

  async plan({ facts }: PlanInput<Remediation, HealFacts>): Promise<Proposal> {
    const { diagnosis, evidence, limits, tried } = facts;
    const decided = healPlan(diagnosis, evidence, limits, { restart: tried.includes('restart') });
    if ('escalate' in decided) return { stall: { reason: RemediationReason.NoPlaybook, message: decided.escalate } };
    return { plan: decided.plan, playbook: decided.playbook };
  }

  tools(): AnyTool[] {
    return kubernetesTools();
  }
}
