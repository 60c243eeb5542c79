// What the plan engine knows of a kind whose status carries a plan (Goal,
// Remediation): its object, as far as the engine reads it, and an adapter each
// kind gives (its resource, status schema and phase names). Everything else
// in src/engine is written against these, never against one kind.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { PlanStatus, Requester } from '../api/v1alpha1/common.js';
import type { ObjectMeta } from '../api/v1alpha1/meta.js';
import type { Resource } from '../kube/resources.js';
import type { EffectivePolicy } from '../policy/decision.js';
import type { Gate } from '../tools/registry.js';

export type { PlanStatus } from '../api/v1alpha1/common.js';

/** The part of a spec the engine reads. */
export interface SubjectSpec {
  requester?: Requester;
  riskPolicyRef?: string;
  mode: 'plan-only' | 'auto';
  /** allowlist of tool names; absent: every tool policy allows */
  tools?: string[];
  /** false: mutating tools run as server-side dry-runs */
  allowChanges?: boolean;
}

export interface PlanSubject<S extends PlanStatus = PlanStatus> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: SubjectSpec;
  status?: S;
}

/** The kind's words for the engine's phases. */
export interface PhaseNames {
  /** the first status, while the first plan is made */
  planning: string;
  awaitingApproval: string;
  executing: string;
  /** every step succeeded */
  succeeded: string;
  /** plan-only: every step passed a dry-run */
  planned: string;
  failed: string;
  denied: string;
  pending: string;
  stalled: string;
}

/** The engine's own words for its phases; a kind changes only those it calls otherwise. */
export const PHASES: PhaseNames = {
  planning: 'Planning',
  awaitingApproval: 'AwaitingApproval',
  executing: 'Executing',
  succeeded: 'Succeeded',
  planned: 'Planned',
  failed: 'Failed',
  denied: 'Denied',
  pending: 'Pending',
  stalled: 'Stalled',
};

export interface SubjectKind<S extends PlanStatus = PlanStatus> {
  kind: string;
  resource: Resource;
  /** the kind's status schema: Bosun's record and the observed status are read through it */
  status: z.ZodType<S>;
  phases: PhaseNames;
  /** phases whose Ready transition is a Warning Event (failed, denied, stalled, escalated) */
  warningPhases: readonly string[];
  /** the label that names the subject on its Approvals (bosun.dev/goal) */
  approvalLabel: string;
  /**
   * What makes one run of a plan differ from an earlier run of the same plan in the same generation
   * (a Remediation healing again): its journal and Approval are new. Absent: a generation runs once.
   */
  run?: (status: S) => string;
}

/** The key of one run of the current plan: a later generation, or a later run, never replays an earlier one. */
export const runOf = <S extends PlanStatus>(kind: Pick<SubjectKind<S>, 'run'>, status: S) =>
  `${status.planGeneration ?? 0}${kind.run?.(status) ?? ''}`;

export const refOf = (kind: Pick<SubjectKind, 'kind'>, s: PlanSubject) => ({
  kind: kind.kind,
  namespace: s.metadata.namespace ?? '',
  name: s.metadata.name,
});

/** Deterministic, so a retried append of the same record is a no-op. */
export const actionId = (...parts: (string | number | undefined)[]) =>
  createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 24);

export const gateFor = (subject: PlanSubject, policy: EffectivePolicy): Gate => ({
  allowlist: subject.spec.tools,
  denylist: policy.spec.tools.deny,
  allowChanges: (subject.spec.allowChanges ?? true) && subject.spec.mode !== 'plan-only',
});

export type { Stall } from '../agents/agent.js';
