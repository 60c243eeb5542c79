// What the Goal reconciler is given, and the small keys its parts share.
import { createHash } from 'node:crypto';
import type { Goal } from '../../api/v1alpha1/goal.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { Agent } from '../../agents/agent.js';
import type { GoalActual } from '../../agents/goal/actual.js';
import type { Crashpoint } from '../../executor/failpoints.js';
import type { KubeClient } from '../../kube/client.js';
import type { KindMapper } from '../../kube/discovery.js';
import type { EventRecorder } from '../../kube/events.js';
import type { ExecutorCredentials } from '../../kube/executor-credentials.js';
import type { EffectivePolicy } from '../../policy/decision.js';
import type { StateStore } from '../../store/state-store.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';
import type { Gate } from '../../tools/registry.js';
import type { ApprovalCache } from './approvals.js';
import type { PolicyCache } from '../../engine/policy.js';
import type { LlmOutcome, LlmUsage } from './llm.js';
import type { ModelCalls } from './llm-calls.js';

export interface GoalReconcilerDeps {
  cache: { getByKey(key: string): KubeObject | undefined };
  client: KubeClient;
  store: StateStore;
  events: EventRecorder;
  log: Logger;
  /** every Secret value read while reconciling is added here before it is used (the log masks it) */
  secrets: SecretSink;
  now: () => Date;
  agent: Agent<Goal['spec'], GoalActual>;
  /** RiskPolicies, from the informer cache */
  policies: PolicyCache;
  /** Approvals, from the informer cache */
  approvals: ApprovalCache;
  /** where the cluster-wide default RiskPolicy lives */
  operatorNamespace: string;
  /** false once this replica is no longer the leader */
  fence: () => boolean;
  crashpoint?: Crashpoint;
  /** test seam: runs between gathering and acting */
  afterGather?: (key: string) => Promise<void>;
  /** LLM tokens and cost, for metrics */
  onLlmUsage?: (usage: LlmUsage, namespace: string) => void;
  /** short-lived executor identities: every write of a plan goes through one */
  executors: ExecutorCredentials;
  /** apiVersion + kind → resource (API discovery) */
  mapper: KindMapper;
  /** where a ModelProvider's baseURL may point (--model-endpoints) */
  modelEndpoints: readonly string[];
  /** model calls run here, off the reconcile workers (absent: awaited in the reconcile) */
  modelCalls?: ModelCalls<LlmOutcome>;
}

/** Deterministic, so a retried append of the same record is a no-op. */
export const actionId = (...parts: (string | number | undefined)[]) =>
  createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 24);

export const gateFor = (goal: Goal, policy: EffectivePolicy): Gate => ({
  allowlist: goal.spec.tools,
  denylist: policy.spec.tools.deny,
  allowChanges: goal.spec.allowChanges && goal.spec.mode !== 'plan-only',
});
