// A tool: a named, typed action with a base risk. Plans name tools; the
// registry validates parameters and gates every call.
import type { z } from 'zod';
import type { RiskLevel, UndoStep } from '../api/v1alpha1/common.js';
import type { AccessAttributes } from '../kube/access.js';
import type { KubeClient } from '../kube/client.js';
import type { KindMapper } from '../kube/discovery.js';
import type { Effect } from '../policy/risk.js';

export interface ToolContext {
  /** writes: the executor ServiceAccount's short-lived identity for mutating tools; Bosun's own for reads */
  client: KubeClient;
  /** reads, as Bosun's own identity (it may read what the executor may not) */
  reader: KubeClient;
  /** apiVersion + kind → resource, from the API server's discovery */
  mapper: KindMapper;
  /** the namespace the Goal acts in */
  namespace: string;
  /** mutating calls become server-side dry-runs */
  dryRun: boolean;
  /** names the step (resource UID, plan hash, index): the same for every attempt and after a restart */
  idempotencyKey: string;
  /** when the step's first attempt started (from the journal): the same for every attempt and after a restart */
  stepStartedAt: string;
}

/** One object a mutating call changes: as it is, and as the API server says it will be. */
export interface Change {
  /** undefined: the object does not exist yet */
  before?: unknown;
  /** undefined: the object is deleted */
  after?: unknown;
  /** Bosun may not read the object as it is (a Secret): only the new state is known */
  beforeUnreadable?: boolean;
}

export interface ToolResult {
  summary: string;
  data?: Record<string, unknown>;
  /** with ctx.dryRun: the objects the call would change (for the plan's diff) */
  changes?: Change[];
  /** false: not finished yet (wait-for-condition); call again after requeueAfterMs */
  done?: boolean;
  requeueAfterMs?: number;
}

/** What a step touches, for the blast-radius risk rules. */
export interface Impact {
  /** objects it writes */
  objects: number;
  /** pods it replaces or adds */
  pods: number;
}

/** The workload a plan acts on, as it was when the plan was made. */
export interface TargetState {
  kind: string;
  name: string;
  replicas: number;
  /** deployment.kubernetes.io/revision */
  revision?: number;
  containers: readonly {
    name: string;
    image: string;
    /** the pod template's resources.limits.memory (absent: none set, or not gathered) */
    memoryLimit?: string;
    /** the pod template's resources.requests.memory */
    memoryRequest?: string;
  }[];
}

export interface Tool<P = Record<string, unknown>> {
  name: string;
  description: string;
  params: z.ZodType<P>;
  risk: RiskLevel;
  effect: Effect;
  reversible: boolean;
  execute(ctx: ToolContext, params: P): Promise<ToolResult>;
  /**
   * Mutating tools: every request the call makes, as RBAC sees it, so that a
   * SubjectAccessReview can ask whether the requester may make it. Throws
   * BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE for anything outside `namespace`.
   */
  access?(params: P, ctx: { namespace: string; mapper: KindMapper }): Promise<AccessAttributes[]>;
  /** What the call will write (manifest objects, a patch body), for the risk rules that read content. */
  content?(params: P): unknown[];
  /** What the call touches, given the target's replicas now (default: one object, no pods). */
  impact?(params: P, target: { replicas: number }): Impact;
  /**
   * In a plan-only run a mutating call is a server-side dry-run; `skip`: the call is not made at all
   * (a wait: nothing changed, so there is nothing to wait for).
   */
  planOnly?: 'skip';
  /** The call may create objects that later steps act on (their dry-run cannot see them yet). */
  creates?: boolean;
  /**
   * The step that undoes the call, from `target` as it was before (undefined when the call acts on
   * another object, or has no undo: a delete, a restart).
   */
  undo?(params: P, target: TargetState): UndoStep | undefined;
}

/** Keeps the params type of each tool while the registry holds them all. */
export const defineTool = <P>(tool: Tool<P>): Tool<P> => tool;
export type AnyTool = Tool<never>;
