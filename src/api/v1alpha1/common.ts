// Building blocks shared by every Bosun kind: conditions (kstatus / metav1
// shape), risk levels, references, budgets and plan steps.
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A CEL rule carried into the CRD as `x-kubernetes-validations`. */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired';
}

/** Attach CEL rules to a schema; the CRD generator copies them verbatim. */
export const cel = (...rules: CelRule[]) => ({ 'x-kubernetes-validations': rules });

/** A field that may be set at creation and never changed afterwards. */
export const immutable = (field: string) =>
  cel({ rule: 'self == oldSelf', message: `${field} is immutable; create a new object instead` });

export const RiskLevel = z
  .enum(['none', 'low', 'medium', 'high', 'critical'])
  .describe('none < low < medium < high < critical');
export type RiskLevel = z.infer<typeof RiskLevel>;

/**
 * RFC 3339 as Bosun reads and writes it: upper-case `T` and `Z`, whole seconds
 * with an optional fraction (up to nanoseconds), `Z` or a `±hh:mm` offset. The
 * one source of both checks: zod tests this pattern and the calendar; the CRD
 * carries the same pattern, and its `format: date-time` tests the calendar.
 */
export const TIMESTAMP_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]' +
  '([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** The day exists in its month (the pattern allows 31 everywhere; Kubernetes' date-time does not). */
const onTheCalendar = (s: string) => Number(s.slice(8, 10)) <= daysIn(Number(s.slice(0, 4)), Number(s.slice(5, 7)));

export const Timestamp = z
  .string()
  .regex(new RegExp(TIMESTAMP_PATTERN), 'must be an RFC 3339 time such as 2026-01-02T15:04:05Z')
  .refine(onTheCalendar, 'must be a day of the calendar')
  .meta({ format: 'date-time' })
  .describe('RFC 3339 time');

/** A Timestamp as Kubernetes writes it: RFC 3339, whole seconds, UTC. */
export const timestamp = (d: Date = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A name derived from another that stays valid at any length: at most `max`
 * characters, cut where needed and given a hash of the whole, never ending in
 * '-' or '.' (what DNS names and label values forbid). Deterministic, so a
 * repeated create is a no-op.
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - hash.length - 1).replace(/[^a-z0-9]+$/i, '')}-${hash}`;
}

/** A MicroTime (Events, Leases): six fractional digits. */
export const microTimestamp = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const conditionReason = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export const ConditionStatus = z.enum(['True', 'False', 'Unknown']);
export type ConditionStatus = z.infer<typeof ConditionStatus>;

export const Condition = z
  .object({
    type: z.string().min(1).max(316).describe('PascalCase condition type: Ready, Reconciling, Stalled, Succeeded, …'),
    status: ConditionStatus,
    reason: z.string().min(1).max(1024).regex(conditionReason).describe('CamelCase reason for the last transition'),
    message: z.string().max(32768).default('').describe('What happened and what to do next'),
    lastTransitionTime: Timestamp,
    observedGeneration: z.int().min(0).optional(),
  })
  .describe('A kstatus-style condition (metav1.Condition)');
export type Condition = z.infer<typeof Condition>;

export const Conditions = z
  .array(Condition)
  .max(16)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });

/** Fields every status carries. */
export const statusBase = {
  observedGeneration: z.int().min(0).optional().describe('The spec generation the status was computed from'),
  conditions: Conditions.optional(),
};

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const Name = z.string().min(1).max(253).regex(dnsSubdomain, 'must be a lowercase DNS-1123 subdomain name');
export const Label = z.string().min(1).max(63).regex(dnsLabel, 'must be a lowercase DNS-1123 label');

/** `kind/name`, as kubectl spells it: `deployment/web`, `statefulset/db`. */
export const TargetRef = z
  .string()
  .max(317)
  .regex(/^[a-z][a-z0-9.]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be kind/name, for example deployment/web')
  .describe('kind/name of the target, for example deployment/web');

export const ObjectRef = z.object({
  apiVersion: z.string().max(253).optional(),
  kind: z.string().min(1).max(63),
  name: Name,
  namespace: Label.optional(),
  uid: z.string().max(36).optional(),
});
export type ObjectRef = z.infer<typeof ObjectRef>;

export const LocalRef = z.object({ name: Name });

export const SecretKeyRef = z
  .object({ name: Name, key: z.string().min(1).max(253) })
  .describe('A key in a Secret in the same namespace');

/**
 * Who asked for a Goal, Remediation or PipelineRun, as the API server
 * authenticated them (its userInfo), or the identity configured for the
 * trigger that made the object. Stamped by Bosun's admission webhook at
 * creation; nobody, Bosun included, can change it afterwards.
 */
export const Requester = z
  .object({
    username: z.string().min(1).max(253),
    uid: z.string().max(253).optional(),
    groups: z.array(z.string().min(1).max(253)).max(64).default([]),
  })
  .describe('Who asked for this, from the API server (stamped at admission; immutable)');
export type Requester = z.infer<typeof Requester>;

/** spec.requester: stamped at admission, never changed afterwards (the webhook refuses it; CEL backs it up). */
export const requesterField = Requester.optional().meta(
  cel({ rule: 'self == oldSelf', message: 'spec.requester is set at admission and cannot be changed' }),
);

/** A spec that carries spec.requester: once set, it cannot be removed. */
export const keepsRequester = {
  rule: '!has(oldSelf.requester) || has(self.requester)',
  message: 'spec.requester is set at admission and cannot be removed',
} as const;

export const Approvers = z
  .object({
    users: z.array(z.string().min(1).max(253)).max(32).default([]),
    groups: z.array(z.string().min(1).max(253)).max(32).default([]),
  })
  .describe('Who may decide: listed users, or members of listed groups');
export type Approvers = z.infer<typeof Approvers>;

export const Budget = z
  .object({
    maxSteps: z.int().min(1).max(50).optional().describe('Most steps a plan may have'),
    maxTokens: z.int().min(0).optional().describe('Most LLM tokens the planner may spend'),
    maxCostUSD: z.number().min(0).optional().describe('Most LLM cost, in US dollars'),
  })
  .describe('Limits on plan size and LLM spend');

export const Mode = z
  .enum(['plan-only', 'auto'])
  .describe('plan-only shows the plan and changes nothing; auto runs what policy allows');
export const Planner = z
  .enum(['rules', 'llm'])
  .describe('rules: deterministic playbooks; llm: a model proposes the plan');

export const StepState = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped', 'RolledBack']);

export const StepWhen = z
  .enum(['always', 'on-failure'])
  .describe('on-failure: runs only after an earlier step failed (a rollback)');

/** How to undo a step, as its tool computed it when the plan was made (from the target as it was then). */
export const UndoStep = z.object({
  tool: z.string().min(1).max(63),
  params: z.record(z.string(), z.unknown()).default({}),
  description: z.string().max(256),
});
export type UndoStep = z.infer<typeof UndoStep>;

export const PlanStep = z.object({
  tool: z.string().min(1).max(63),
  when: StepWhen.default('always'),
  params: z.record(z.string(), z.unknown()).default({}).describe("Tool parameters, validated by the tool's own schema"),
  description: z.string().max(1024).default(''),
  reasoning: z.string().max(2048).optional(),
  risk: RiskLevel,
  state: StepState.optional(),
  attempt: z.int().min(0).optional(),
  /** earliest time of the next retry, while a retryable failure backs off */
  retryAt: Timestamp.optional(),
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  message: z.string().max(2048).optional(),
  diff: z
    .array(z.string().max(512))
    .max(21)
    .optional()
    .describe(
      'What the step will change (old → new), from a server-side dry-run at planning; Secret values never shown',
    ),
  undo: UndoStep.optional().describe('How to undo the step, as its tool computed it at planning; absent: none known'),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z
  .object({
    hash: z
      .string()
      .regex(/^[a-f0-9]{64}$/)
      .optional()
      .describe('sha256 of the canonical plan'),
    risk: RiskLevel,
    reasoning: z.string().max(4096).default(''),
    steps: z.array(PlanStep).max(50),
  })
  .describe("The plan in brief; the full plan and results are kept in Bosun's etcd");

export const Cost = z.object({
  tokens: z.int().min(0).default(0),
  usd: z.number().min(0).default(0),
});

/**
 * The plan block every planning kind's status carries (Goal, Remediation, PipelineRun): the plan, what policy made
 * of it, whose rights it runs on, and what planning cost. Bosun's plan engine (src/engine) writes it.
 */
export const planStatus = {
  risk: RiskLevel.optional(),
  progress: z.string().max(32).optional().describe('Steps done / steps planned'),
  plan: Plan.optional(),
  planGeneration: z
    .int()
    .min(0)
    .optional()
    .describe('The generation the plan was made for: a later generation with the same plan is a new execution'),
  planHash: z
    .string()
    .regex(/^[a-f0-9]{64}$/)
    .optional(),
  mode: z
    .enum(['plan-only', 'auto'])
    .optional()
    .describe('The spec.mode the current plan runs in: a change of mode plans again'),
  approvalRef: Name.optional().describe('The Approval the plan waits for'),
  riskReasons: z.array(z.string().max(512)).max(20).optional().describe("The risk rules that raised the plan's risk"),
  authority: z
    .string()
    .max(1024)
    .optional()
    .describe(
      "Whose Kubernetes rights the plan runs on: the requester's, or the approvers' when the requester lacks them",
    ),
  decision: z.string().max(1024).optional().describe('What policy decided, and by which rule'),
  policyVersion: z
    .string()
    .max(512)
    .optional()
    .describe('The RiskPolicy (name@resourceVersion) the decision was made with'),
  cost: Cost.optional(),
  startedAt: Timestamp.optional(),
  completedAt: Timestamp.optional(),
};

/** The fields of the plan block that execution is decided from: Bosun's record restores any change to them. */
export const DECIDING_FIELDS = [
  'phase',
  'plan',
  'planHash',
  'planGeneration',
  'risk',
  'decision',
  'authority',
  'approvalRef',
  'policyVersion',
  'observedGeneration',
] as const;

/** The status of any planning kind, as the plan engine reads and writes it. */
export const PlanStatus = z.object({ ...statusBase, phase: z.string().optional(), ...planStatus });
export type PlanStatus = z.infer<typeof PlanStatus>;
