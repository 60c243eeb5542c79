// The registry of Bosun's kinds: names, scope, schemas and the printer columns
// `kubectl get` shows. The CRD generator and the typed client read it.
import type { z } from 'zod';
import { ApprovalSpec, ApprovalStatus } from './approval.js';
import { GoalSpec, GoalStatus } from './goal.js';
import { ModelProviderSpec, ModelProviderStatus } from './model-provider.js';
import { PipelineRunSpec, PipelineRunStatus } from './pipeline-run.js';
import { PipelineSpec, PipelineStatus } from './pipeline.js';
import { RemediationSpec, RemediationStatus } from './remediation.js';
import { RiskPolicySpec, RiskPolicyStatus } from './risk-policy.js';

export const GROUP = 'bosun.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindInfo {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: 'Namespaced' | 'Cluster';
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: PrinterColumn[];
}

const ready: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
};
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const kinds = [
  {
    kind: 'Goal',
    plural: 'goals',
    singular: 'goal',
    shortNames: ['gl'],
    scope: 'Namespaced',
    spec: GoalSpec,
    status: GoalStatus,
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Risk', type: 'string', jsonPath: '.status.risk' },
      { name: 'Progress', type: 'string', jsonPath: '.status.progress' },
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
      { name: 'Intent', type: 'string', jsonPath: '.spec.intent.type', priority: 1 },
      { name: 'Target', type: 'string', jsonPath: '.spec.intent.target', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Pipeline',
    plural: 'pipelines',
    singular: 'pipeline',
    shortNames: ['pl'],
    scope: 'Namespaced',
    spec: PipelineSpec,
    status: PipelineStatus,
    printerColumns: [
      { name: 'Repo', type: 'string', jsonPath: '.spec.source.repo', priority: 1 },
      { name: 'Last Run', type: 'string', jsonPath: '.status.lastRun.name' },
      { name: 'Last Phase', type: 'string', jsonPath: '.status.lastRun.phase' },
      { name: 'Succeeded', type: 'integer', jsonPath: '.status.successCount' },
      { name: 'Failed', type: 'integer', jsonPath: '.status.failureCount' },
      { name: 'In A Row', type: 'integer', jsonPath: '.status.consecutiveFailures', priority: 1 },
      { name: 'Halted', type: 'string', jsonPath: '.status.halted.since' },
      ready,
      age,
    ],
  },
  {
    kind: 'PipelineRun',
    plural: 'pipelineruns',
    singular: 'pipelinerun',
    shortNames: ['plr'],
    scope: 'Namespaced',
    spec: PipelineRunSpec,
    status: PipelineRunStatus,
    printerColumns: [
      { name: 'Pipeline', type: 'string', jsonPath: '.spec.pipelineRef.name' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Stages', type: 'string', jsonPath: '.status.progress' },
      { name: 'Failed Stage', type: 'string', jsonPath: '.status.failedStage' },
      { name: 'Duration', type: 'string', jsonPath: '.status.duration' },
      { name: 'Revision', type: 'string', jsonPath: '.spec.revision', priority: 1 },
      { name: 'Trigger', type: 'string', jsonPath: '.spec.trigger.type', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Remediation',
    plural: 'remediations',
    singular: 'remediation',
    shortNames: ['rem'],
    scope: 'Namespaced',
    spec: RemediationSpec,
    status: RemediationStatus,
    printerColumns: [
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Kind', type: 'string', jsonPath: '.spec.targetRef.kind' },
      { name: 'Target', type: 'string', jsonPath: '.spec.targetRef.name' },
      { name: 'Source', type: 'string', jsonPath: '.spec.issue.source' },
      { name: 'Occurrences', type: 'integer', jsonPath: '.status.occurrences' },
      { name: 'Risk', type: 'string', jsonPath: '.status.risk', priority: 1 },
      { name: 'Verification', type: 'string', jsonPath: '.status.verification.result', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Approval',
    plural: 'approvals',
    singular: 'approval',
    shortNames: ['appr'],
    scope: 'Namespaced',
    spec: ApprovalSpec,
    status: ApprovalStatus,
    printerColumns: [
      { name: 'Subject', type: 'string', jsonPath: '.spec.subjectRef.name' },
      { name: 'Risk', type: 'string', jsonPath: '.spec.risk' },
      { name: 'State', type: 'string', jsonPath: '.status.state' },
      { name: 'Approvals', type: 'integer', jsonPath: '.status.approvals' },
      { name: 'Required', type: 'integer', jsonPath: '.spec.requiredApprovals' },
      { name: 'Expires', type: 'string', jsonPath: '.spec.expiresAt' },
      age,
    ],
  },
  {
    kind: 'RiskPolicy',
    plural: 'riskpolicies',
    singular: 'riskpolicy',
    shortNames: ['rp'],
    scope: 'Namespaced',
    spec: RiskPolicySpec,
    status: RiskPolicyStatus,
    printerColumns: [
      { name: 'Medium', type: 'string', jsonPath: '.spec.levels.medium' },
      { name: 'High', type: 'string', jsonPath: '.spec.levels.high' },
      { name: 'Critical', type: 'string', jsonPath: '.spec.levels.critical' },
      { name: 'Required', type: 'integer', jsonPath: '.spec.requiredApprovals' },
      age,
    ],
  },
  {
    kind: 'ModelProvider',
    plural: 'modelproviders',
    singular: 'modelprovider',
    shortNames: ['mp'],
    scope: 'Namespaced',
    spec: ModelProviderSpec,
    status: ModelProviderStatus,
    printerColumns: [
      { name: 'Provider', type: 'string', jsonPath: '.spec.provider' },
      { name: 'Reachable', type: 'boolean', jsonPath: '.status.reachable' },
      { name: 'Medium Model', type: 'string', jsonPath: '.spec.models.medium', priority: 1 },
      ready,
      age,
    ],
  },
] as const satisfies readonly KindInfo[];

export type KindName = (typeof kinds)[number]['kind'];

export function kindInfo(kind: KindName): KindInfo {
  const info = kinds.find((k) => k.kind === kind);
  if (!info) throw new Error(`unknown kind ${kind}`);
  return info;
}
