// What a playbook decides: a plan, or a reason a person must act, and the
// bounds a heal keeps to.
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import type { Diagnosis } from './diagnose.js';
import type { HealEvidence } from './evidence.js';

export interface HealLimits {
  /** the most memory one heal may give a container (the policy's maximum), as a quantity: 4Gi */
  maxMemory: string;
  /** what one heal multiplies a memory limit by, 1.1 to 2 (default 1.5) */
  memoryFactor?: number;
}

/** What earlier heals of this issue already did (the caller knows, from its Remediations). */
export interface HealTried {
  /** a rolling restart was already tried for this issue */
  restart: boolean;
}

export type PlaybookName = 'rollback' | 'raise-memory' | 'restore-image' | 'undo-stuck-rollout' | 'restart' | 'none';

export type HealDecision =
  { playbook: PlaybookName; plan: ExecutionPlan } | { playbook: PlaybookName; escalate: string };

export type Playbook = (d: Diagnosis, e: HealEvidence, limits: HealLimits) => HealDecision;

export const DEFAULT_MEMORY_FACTOR = 1.5;

export const escalate = (playbook: PlaybookName, reason: string): HealDecision => ({ playbook, escalate: reason });
