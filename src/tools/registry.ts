// The tool registry: the only way a plan's step reaches a tool. It refuses
// unknown tools and tools outside the Goal's allowlist or in the policy's deny
// list, validates parameters (naming the bad one), turns mutating calls into
// server-side dry-runs when changes are not allowed, and records each call.
import { BosunError, errorMessage, type ErrorCode } from '../api/errors.js';
import type { AccessAttributes } from '../kube/access.js';
import type { KindMapper } from '../kube/discovery.js';
import type { UndoStep } from '../api/v1alpha1/common.js';
import type { AnyTool, Impact, TargetState, Tool, ToolContext, ToolResult } from './tool.js';

export interface Gate {
  /** the Goal's spec.tools; undefined: every tool */
  allowlist?: readonly string[];
  /** the RiskPolicy's spec.tools.deny */
  denylist: readonly string[];
  /** false: mutating tools run as server-side dry-runs */
  allowChanges: boolean;
}

export interface CallRecord {
  tool: string;
  params: Record<string, unknown>;
  dryRun: boolean;
  outcome: 'succeeded' | 'failed' | 'pending';
  summary: string;
  code?: ErrorCode;
  durationMs: number;
}

export interface Step {
  tool: string;
  params: Record<string, unknown>;
}

const SECRETISH = /token|password|secret|apikey|api_key|credential/i;

export const maskParams = (params: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(params).map(([k, v]) => [k, SECRETISH.test(k) ? '[REDACTED]' : v]));

export class ToolRegistry {
  private readonly tools = new Map<string, AnyTool>();

  constructor(
    tools: readonly AnyTool[],
    private readonly record?: (r: CallRecord) => Promise<void>,
  ) {
    for (const t of tools) this.tools.set(t.name, t);
  }

  get(name: string): AnyTool | undefined {
    return this.tools.get(name);
  }

  list(): AnyTool[] {
    return [...this.tools.values()];
  }

  /**
   * The gate and the parameter check, without running anything (plans are checked before they are shown).
   * `params` is the schema's output: store that (or use normalize), not the step's own.
   */
  check(step: Step, gate: Gate): { tool: AnyTool; params: Record<string, unknown> } {
    const tool = this.tools.get(step.tool);
    if (!tool)
      throw new BosunError(
        'BOSUN_ERR_TOOL_UNKNOWN',
        `no tool named ${step.tool}; known tools: ${[...this.tools.keys()].join(', ')}`,
      );
    if (gate.allowlist && !gate.allowlist.includes(step.tool)) {
      throw new BosunError(
        'BOSUN_ERR_TOOL_NOT_ALLOWED',
        `${step.tool} is not in the Goal's spec.tools (${gate.allowlist.join(', ')}): add it there to allow it`,
      );
    }
    if (gate.denylist.includes(step.tool))
      throw new BosunError('BOSUN_ERR_TOOL_DENIED', `${step.tool} is denied by the RiskPolicy (spec.tools.deny)`);
    const parsed = (tool as Tool<unknown>).params.safeParse(step.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(params)';
      throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `${step.tool}: parameter ${where}: ${issue?.message ?? 'invalid'}`);
    }
    return { tool, params: parsed.data as Record<string, unknown> };
  }

  /**
   * The step with its params as the tool parsed them: unknown keys refused (every tool's schema is strict),
   * defaults filled in. What is stored, hashed and shown is this, never the params as a planner sent them.
   * Throws as check() does.
   */
  normalize<S extends Step>(step: S, gate: Gate): S {
    return { ...step, params: this.check(step, gate).params };
  }

  /** Whether a step by this tool may change the cluster (an unknown tool counts as one). */
  mutates(tool: string): boolean {
    return this.tools.get(tool)?.effect !== 'read';
  }

  /** Every request a mutating step will make, as RBAC sees it (none for read-only tools). */
  async access(step: Step, ctx: { namespace: string; mapper: KindMapper }): Promise<AccessAttributes[]> {
    const tool = this.tools.get(step.tool) as Tool<unknown> | undefined;
    const parsed = tool?.params.safeParse(step.params);
    // an unknown tool or bad params needs nothing: check() rejects the step with the reason
    if (!tool || tool.effect === 'read' || !tool.access || !parsed?.success) return [];
    return tool.access(parsed.data, ctx);
  }

  /** What a step will write, for the risk rules that read content (never throws on bad params). */
  content(step: Step): unknown[] {
    const tool = this.tools.get(step.tool) as Tool<unknown> | undefined;
    const parsed = tool?.params.safeParse(step.params);
    return tool?.content && parsed?.success ? tool.content(parsed.data) : [];
  }

  /** What a step touches, for the blast-radius rules (never throws on bad params: one object, no pods). */
  impact(step: Step, target: { replicas: number }): Impact {
    const tool = this.tools.get(step.tool) as Tool<unknown> | undefined;
    const parsed = tool?.params.safeParse(step.params);
    return tool?.impact && parsed?.success ? tool.impact(parsed.data, target) : { objects: 1, pods: 0 };
  }

  /** The step that undoes `step`, as its tool computes it from the target as it is now (never throws). */
  undo(step: Step, target: TargetState | null | undefined): UndoStep | undefined {
    const tool = this.tools.get(step.tool) as Tool<unknown> | undefined;
    const parsed = tool?.params.safeParse(step.params);
    return target && tool?.undo && parsed?.success ? tool.undo(parsed.data, target) : undefined;
  }

  /** Whether a plan-only run skips the tool's call altogether (rather than making it a dry-run). */
  skippedInPlanOnly(tool: string): boolean {
    return this.tools.get(tool)?.planOnly === 'skip';
  }

  /** Whether the tool may create objects that later steps act on. */
  creates(tool: string): boolean {
    return this.tools.get(tool)?.creates === true;
  }

  /** A mutating step as a server-side dry-run, not recorded: what it would change, before anyone approves it. */
  async preview(step: Step, gate: Gate, ctx: Omit<ToolContext, 'dryRun'>): Promise<ToolResult> {
    const { tool, params } = this.check(step, gate);
    return (tool as Tool<unknown>).execute({ ...ctx, dryRun: true }, params);
  }

  async invoke(step: Step, gate: Gate, ctx: Omit<ToolContext, 'dryRun'>): Promise<ToolResult> {
    const { tool, params } = this.check(step, gate);
    const dryRun = tool.effect !== 'read' && !gate.allowChanges;
    const started = performance.now();
    const base = { tool: tool.name, params: maskParams(step.params), dryRun };
    try {
      const result = await (tool as Tool<unknown>).execute({ ...ctx, dryRun }, params);
      await this.record?.({
        ...base,
        outcome: result.done === false ? 'pending' : 'succeeded',
        summary: result.summary,
        durationMs: performance.now() - started,
      });
      return result;
    } catch (err) {
      const code = err instanceof BosunError ? err.code : undefined;
      await this.record?.({
        ...base,
        outcome: 'failed',
        summary: errorMessage(err),
        code,
        durationMs: performance.now() - started,
      });
      throw err instanceof BosunError && code?.startsWith('BOSUN_ERR_TOOL')
        ? err
        : new BosunError('BOSUN_ERR_TOOL_FAILED', `${tool.name}: ${errorMessage(err)}`, { cause: err });
    }
  }
}
