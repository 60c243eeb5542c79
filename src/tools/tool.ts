// A tool: a named, typed action with a base risk. Plans name tools; the
// registry validates parameters and gates every call.
import type { z } from 'zod';
import type { RiskLevel } from '../api/v1alpha1/common.js';
import type { KubeClient } from '../kube/client.js';
import type { Effect } from '../policy/risk.js';

export interface ToolContext {
  client: KubeClient;
  /** the namespace the Goal acts in */
  namespace: string;
  /** mutating calls become server-side dry-runs */
  dryRun: boolean;
  /** names the step (resource UID, plan hash, index): the same for every attempt and after a restart */
  idempotencyKey: string;
  /** when the step's first attempt started (from the journal): the same for every attempt and after a restart */
  stepStartedAt: string;
}

export interface ToolResult {
  summary: string;
  data?: Record<string, unknown>;
  /** false: not finished yet (wait-for-condition); call again after requeueAfterMs */
  done?: boolean;
  requeueAfterMs?: number;
}

export interface Tool<P = Record<string, unknown>> {
  name: string;
  description: string;
  params: z.ZodType<P>;
  risk: RiskLevel;
  effect: Effect;
  reversible: boolean;
  execute(ctx: ToolContext, params: P): Promise<ToolResult>;
}

/** Keeps the params type of each tool while the registry holds them all. */
export const defineTool = <P>(tool: Tool<P>): Tool<P> => tool;
export type AnyTool = Tool<never>;
