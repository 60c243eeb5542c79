// Before anyone is asked to approve a plan, the cluster speaks: every mutating
// step's requests are put to the API server for the requester (or the
// approvers), the namespace's executor ServiceAccount is found, and each step
// is dry-run on the server as that ServiceAccount, so that admission (Pod
// Security, quotas, webhooks, the executor's RBAC) answers now, and the dry-run
// shows each step's field-level diff to the approvers.
import { BosunError, errorMessage, hasCode } from '../api/errors.js';
import type { PlanStep, Requester } from '../api/v1alpha1/common.js';
import { PlanReason } from '../api/v1alpha1/reasons.js';
import type { AccessAttributes } from '../kube/access.js';
import type { KubeClient } from '../kube/client.js';
import type { KindMapper } from '../kube/discovery.js';
import { KubeApiError } from '../kube/errors.js';
import type { ExecutorCredentials } from '../kube/executor-credentials.js';
import type { EffectivePolicy } from '../policy/decision.js';
import { fieldDiff } from '../policy/diff.js';
import type { Gate, ToolRegistry } from '../tools/registry.js';
import type { Change } from '../tools/tool.js';
import { noRequester, planningAuthority, type Authority } from './authority.js';
import type { DecidedPlan } from './assess.js';
import type { Stall } from './subject.js';
import { executorFor } from './writer.js';

export interface PreflightInput {
  /** the subject's kind, for messages */
  kind: string;
  plan: DecidedPlan;
  registry: ToolRegistry;
  gate: Gate;
  policy: EffectivePolicy;
  namespace: string;
  requester: Requester | undefined;
  /** per step, from stepNeeds */
  needs: AccessAttributes[][];
  /** Bosun's own client: reads and SubjectAccessReviews */
  reader: KubeClient;
  mapper: KindMapper;
  executors: ExecutorCredentials;
  fieldManager: string;
  now: Date;
}

const MAX_DIFF_LINES = 20;

/** Stalls for what a step's access check says about the plan's content. */
function accessStall(index: number, err: unknown): Stall | undefined {
  const at = `step ${index + 1}: ${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}`;
  if (hasCode(err, 'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE'))
    return { reason: PlanReason.TargetOutsideNamespace, message: at };
  if (hasCode(err, 'BOSUN_ERR_KIND_UNKNOWN')) return { reason: PlanReason.UnsupportedTarget, message: at };
  if (hasCode(err, 'BOSUN_ERR_TOOL_PARAMS')) return { reason: PlanReason.InvalidParams, message: at };
  return undefined;
}

/** The API server's own words, for a dry-run it refused. */
function dryRunStall(index: number, step: PlanStep, err: KubeApiError, executor: string): Stall {
  const said = err.status?.message ?? errorMessage(err);
  // 403 is RBAC's answer, but also admission's (Pod Security, a ValidatingAdmissionPolicy): say which
  if (err.httpStatus === 403 && /cannot \w+ resource/.test(said)) {
    return {
      reason: PlanReason.ExecutorForbidden,
      message:
        `step ${index + 1} (${step.tool}): the API server refused it for ${executor}: ${said}. ` +
        `The namespace's admin decides what Bosun may do here by binding ${executor}`,
    };
  }
  if (err.httpStatus === 404) {
    return { reason: PlanReason.TargetNotFound, message: `step ${index + 1} (${step.tool}): ${said}` };
  }
  return {
    reason: PlanReason.DryRunRejected,
    message: `step ${index + 1} (${step.tool}): a server-side dry-run was rejected: ${said}`,
  };
}

const nameOf = (o: unknown) => {
  const obj = (o ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  return `${String(obj.kind ?? 'object').toLowerCase()}/${String(obj.metadata?.name ?? '?')}`;
};

/** Field-level lines for a step's changes, prefixed by the object when there are several. */
export function diffLines(changes: readonly Change[]): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    const prefix = changes.length > 1 ? `${nameOf(c.after ?? c.before)}: ` : '';
    if (c.beforeUnreadable) lines.push(`${prefix}(its current state is not readable by Bosun; shown as new)`);
    lines.push(...fieldDiff(c.before, c.after).map((l) => `${prefix}${l}`));
  }
  return lines.length > MAX_DIFF_LINES
    ? [...lines.slice(0, MAX_DIFF_LINES), `… and ${lines.length - MAX_DIFF_LINES} more changes`]
    : lines;
}

/**
 * What each step will ask of the API server, as RBAC sees it; a step that would
 * act outside the subject's namespace, or on a kind the API server does not serve,
 * stalls the plan here, before policy is asked.
 */
export async function stepNeeds(
  steps: readonly { tool: string; params: Record<string, unknown> }[],
  registry: ToolRegistry,
  ctx: { namespace: string; mapper: KindMapper },
): Promise<{ needs: AccessAttributes[][] } | { stall: Stall }> {
  const needs: AccessAttributes[][] = [];
  for (const [i, s] of steps.entries()) {
    try {
      needs.push(await registry.access(s, ctx));
    } catch (err) {
      const stall = accessStall(i, err);
      if (stall) return { stall };
      throw err;
    }
  }
  return { needs };
}

export async function preflight(
  input: PreflightInput,
): Promise<{ steps: PlanStep[]; authority: Authority } | { stall: Stall }> {
  const { plan, registry, namespace } = input;
  const mutating = plan.steps.map((s) => registry.mutates(s.tool));
  if (!mutating.some(Boolean)) return { steps: plan.steps, authority: { on: 'requester' } };
  if (!input.requester) return { stall: noRequester(input.kind) };

  const needs = input.needs.flat();
  const judged = await planningAuthority(input.reader, {
    requester: input.requester,
    needs,
    held: plan.decision.action === 'approve',
    approvers: input.policy.spec.approvers,
    requiredApprovals: input.policy.spec.requiredApprovals,
  });
  if ('stall' in judged) return judged;

  const writer = await executorFor(input.executors, namespace, input.fieldManager);
  if ('stall' in writer) return writer;
  const executor = writer.client;
  const who = `system:serviceaccount:${namespace}:${input.executors.name}`;
  const steps: PlanStep[] = [];
  for (const [i, s] of plan.steps.entries()) {
    if (!mutating[i]) {
      steps.push(s);
      continue;
    }
    try {
      const result = await registry.preview(s, input.gate, {
        client: executor,
        reader: input.reader,
        mapper: input.mapper,
        namespace,
        idempotencyKey: `preflight/${plan.hash}/${i}`,
        stepStartedAt: input.now.toISOString(),
      });
      steps.push({ ...s, diff: diffLines(result.changes ?? []) });
    } catch (err) {
      const apiErr = err instanceof KubeApiError ? err : err instanceof BosunError ? err.cause : undefined;
      if (apiErr instanceof KubeApiError && apiErr.httpStatus >= 400 && apiErr.httpStatus < 500) {
        // a later step may act on what an earlier one creates: its dry-run cannot know that yet
        const earlierCreate =
          apiErr.httpStatus === 404 && plan.steps.slice(0, i).some((p) => input.registry.creates(p.tool));
        if (earlierCreate) {
          steps.push({ ...s, diff: ['(acts on what an earlier step creates: not known until that step runs)'] });
          continue;
        }
        return { stall: dryRunStall(i, s, apiErr, who) };
      }
      const stall = accessStall(i, err);
      if (stall) return { stall };
      throw err;
    }
  }
  return { steps, authority: judged.authority };
}
