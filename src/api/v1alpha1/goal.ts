// Goal: an intent that should become true, typed or in free text.
import { z } from 'zod';
import { resourceSchema } from './meta.js';
import {
  Budget,
  Label,
  Mode,
  Planner,
  TargetRef,
  cel,
  statusBase,
  keepsRequester,
  planStatus,
  requesterField,
} from './common.js';

export const IntentType = z.enum(['scale', 'restart', 'rollback', 'deploy-image', 'apply', 'delete', 'diagnose']);
export type IntentType = z.infer<typeof IntentType>;

/**
 * A typed intent. One object with a `type` enum rather than a union of shapes,
 * so the CRD stays structural; CEL says which fields each type needs.
 */
export const GoalIntent = z
  .object({
    type: IntentType,
    target: TargetRef.optional(),
    replicas: z.int().min(0).max(10000).optional().describe('scale: the desired replica count'),
    image: z.string().min(1).max(512).optional().describe('deploy-image: the new image'),
    container: Label.optional().describe('deploy-image: the container to update (default: the first)'),
    revision: z.int().min(1).optional().describe('rollback: the revision to return to (default: the previous one)'),
    manifest: z.string().min(1).max(65536).optional().describe('apply: the YAML manifest to apply'),
  })
  .meta(
    cel(
      {
        rule: "self.type == 'apply' || has(self.target)",
        message: 'intent.target is required (kind/name, for example deployment/web) for every type but apply',
        fieldPath: '.target',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type != 'scale' || has(self.replicas)",
        message: 'a scale intent needs intent.replicas',
        fieldPath: '.replicas',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type != 'deploy-image' || has(self.image)",
        message: 'a deploy-image intent needs intent.image',
        fieldPath: '.image',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type != 'apply' || has(self.manifest)",
        message: 'an apply intent needs intent.manifest',
        fieldPath: '.manifest',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.replicas) || self.type == 'scale'",
        message: 'intent.replicas is only for scale intents',
        fieldPath: '.replicas',
      },
      {
        rule: "!has(self.image) || self.type == 'deploy-image'",
        message: 'intent.image is only for deploy-image intents',
        fieldPath: '.image',
      },
    ),
  );
export type GoalIntent = z.infer<typeof GoalIntent>;

export const GoalSpec = z
  .object({
    intent: GoalIntent.optional(),
    goal: z.string().min(1).max(4096).optional().describe('Free-text intent, for the LLM planner'),
    targetNamespace: Label.optional().describe("Namespace the Goal acts in (default: the Goal's own)"),
    mode: Mode.default('auto'),
    planner: Planner.default('rules'),
    allowChanges: z.boolean().default(true).describe('When false, mutating tools run as server-side dry-runs'),
    tools: z
      .array(z.string().min(1).max(63))
      .max(64)
      .optional()
      .describe('Allowlist of tool names; default: every tool policy allows'),
    budget: Budget.optional(),
    modelTier: z
      .enum(['low', 'medium', 'high'])
      .optional()
      .describe('planner llm: the model tier to use, instead of the one the router picks'),
    riskPolicyRef: Label.optional().describe(
      'RiskPolicy in this namespace (default: "default", then the cluster default)',
    ),
    requester: requesterField,
  })
  .meta(
    cel(
      {
        rule: 'has(self.intent) != has(self.goal)',
        message: 'set exactly one of spec.intent (a typed intent) or spec.goal (free text)',
      },
      keepsRequester,
    ),
  );
export type GoalSpec = z.infer<typeof GoalSpec>;

export const GoalPhase = z.enum([
  'Pending',
  'Planning',
  'Planned',
  'AwaitingApproval',
  'Executing',
  'Succeeded',
  'Failed',
  'Denied',
  'Stalled',
]);
export type GoalPhase = z.infer<typeof GoalPhase>;

export const GoalStatus = z.object({
  ...statusBase,
  phase: GoalPhase.optional(),
  ...planStatus,
  findings: z.array(z.string().max(1024)).max(20).optional().describe('What diagnosis found'),
});
export type GoalStatus = z.infer<typeof GoalStatus>;

export const Goal = resourceSchema(GoalSpec, GoalStatus);
export type Goal = z.infer<typeof Goal>;
