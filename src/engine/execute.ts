// Advancing a plan one step, for any planning kind: the step's writer (the
// requester's authority asked again, then the namespace's executor identity),
// the journalled executor, and the status after the outcome. Every tool call
// goes to the action log under the subject.
import type { PlanStep } from '../api/v1alpha1/common.js';
import { runStep, type StepOutcome } from '../executor/executor.js';
import type { Crashpoint } from '../executor/failpoints.js';
import type { KubeClient } from '../kube/client.js';
import type { KindMapper } from '../kube/discovery.js';
import type { ExecutorCredentials } from '../kube/executor-credentials.js';
import { builtInPolicy } from '../policy/decision.js';
import type { StateStore } from '../store/state-store.js';
import { ToolRegistry } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';
import type { ApprovalCache } from './approvals.js';
import { applyOutcome, nextStep } from './execution.js';
import { afterStep } from './phases.js';
import { loadPolicy, type PolicyCache } from './policy.js';
import { stalledStatus } from './status.js';
import {
  actionId,
  gateFor,
  refOf,
  runOf,
  type PlanStatus,
  type PlanSubject,
  type Stall,
  type SubjectKind,
} from './subject.js';
import { writerFor } from './writer.js';

export interface StepDeps {
  /** the controller's client: reads, and writes of its own */
  client: KubeClient;
  store: StateStore;
  mapper: KindMapper;
  /** short-lived executor identities: every write of a plan goes through one */
  executors: ExecutorCredentials;
  approvals: ApprovalCache;
  policies: PolicyCache;
  operatorNamespace: string;
  /** false once this replica is no longer the leader */
  fence: () => boolean;
  crashpoint?: Crashpoint;
}

export interface StepRun<S extends PlanStatus> {
  next: S;
  requeueAfter?: number;
  /** the step that ran and how it ended, for a kind that reads results (a diagnosis) */
  ran?: { step: PlanStep; outcome: StepOutcome };
}

/** One step's run: how it ended, or why it could not run (the writer's authority). */
export type Invoked = { outcome: StepOutcome } | { stall: Stall };

/**
 * Runs step `index` of the subject's plan once, as attempt `attempt`, through the journal: the step's writer
 * first (for a mutating tool), every tool call to the action log, and each change it made noted under the
 * subject. The sequential runner below uses it for Goals and Remediations; a PipelineRun for each stage attempt.
 */
export function stepInvoker<S extends PlanStatus>(deps: StepDeps, kind: SubjectKind<S>, tools: readonly AnyTool[]) {
  const { client, store } = deps;
  const writerDeps = {
    reader: client,
    mapper: deps.mapper,
    executors: deps.executors,
    approvals: deps.approvals,
    decisions: store,
    fieldManager: client.fieldManager,
  };

  return async function invoke(
    subject: PlanSubject<S>,
    step: PlanStep,
    index: number,
    attempt: number,
    now: Date,
  ): Promise<Invoked> {
    const prev = subject.status ?? ({} as S);
    const planOnly = subject.spec.mode === 'plan-only';
    const namespace = subject.metadata.namespace ?? '';
    const uid = subject.metadata.uid ?? '';
    const policy =
      loadPolicy(deps.policies, namespace, subject.spec.riskPolicyRef, deps.operatorNamespace) ?? builtInPolicy;
    // the same plan in a later generation is a new execution: its results are never replayed from an earlier one
    const hash = `${prev.planHash ?? ''}@${runOf(kind, prev)}${planOnly ? '-dryrun' : ''}`;
    const registry = new ToolRegistry(tools, async (call) => {
      await store.appendAction({
        ...refOf(kind, subject),
        uid,
        id: actionId(uid, hash, index, attempt, call.outcome),
        action: 'ToolCall',
        detail: { step: index + 1, attempt, ...call },
      });
    });
    let writer = client;
    if (registry.mutates(step.tool)) {
      const w = await writerFor(writerDeps, subject, kind.kind, step, registry);
      if ('stall' in w) return { stall: w.stall };
      writer = w.client;
    }
    if (planOnly && registry.skippedInPlanOnly(step.tool))
      return {
        outcome: {
          kind: 'succeeded',
          summary: 'not run in plan-only mode: nothing changed, so there is nothing to wait for',
          startedAt: now.toISOString(),
        },
      };
    const outcome = await runStep(
      { store, registry, fence: deps.fence, crashpoint: deps.crashpoint },
      {
        uid,
        planHash: hash,
        index,
        attempt,
        step,
        gate: gateFor(subject, policy),
        client: writer,
        reader: client,
        mapper: deps.mapper,
        namespace,
      },
    );
    if (outcome.kind === 'succeeded' && !planOnly && registry.mutates(step.tool)) {
      // what it changed, and by whose plan: a later diagnosis names it
      const change = {
        kind: kind.kind,
        namespace,
        name: subject.metadata.name,
        uid,
        tool: step.tool,
        at: now.toISOString(),
      };
      for (const a of await registry.access(step, { namespace, mapper: deps.mapper })) {
        if (!a.name || a.verb === 'get' || a.verb === 'list') continue;
        const resource = a.group ? `${a.resource}.${a.group}` : a.resource;
        await store.noteChange({ namespace: a.namespace, resource, name: a.name }, change);
      }
    }
    return { outcome };
  };
}

/** Advances a plan one step at a time, in order (execution.ts: the rollback steps after a failure). */
export function stepRunner<S extends PlanStatus>(deps: StepDeps, kind: SubjectKind<S>, tools: readonly AnyTool[]) {
  const invoke = stepInvoker(deps, kind, tools);
  return async function execute(subject: PlanSubject<S>, now: Date): Promise<StepRun<S>> {
    const prev = subject.status ?? ({} as S);
    const steps = prev.plan?.steps ?? [];
    const planOnly = subject.spec.mode === 'plan-only';
    const gen = subject.metadata.generation;
    const next = nextStep(steps);
    if ('done' in next) return { next: afterStep(kind, prev, steps, next.done, planOnly, now, gen) };
    const step = steps[next.index] as PlanStep;
    const waitMs = step.retryAt ? Date.parse(step.retryAt) - now.getTime() : 0;
    if (waitMs > 0) return { next: prev, requeueAfter: waitMs };
    const ran = await invoke(subject, step, next.index, Math.max(1, step.attempt ?? 0), now);
    if ('stall' in ran) return { next: stalledStatus(subject, ran.stall, now) };
    const { outcome } = ran;
    const applied = applyOutcome(step, outcome, now);
    const updated = steps.map((s, i) => (i === next.index ? applied.step : s));
    const after = nextStep(updated);
    return {
      next: afterStep(kind, prev, updated, 'done' in after ? after.done : undefined, planOnly, now, gen),
      requeueAfter: applied.requeueAfterMs,
      ran: { step, outcome },
    };
  };
}
