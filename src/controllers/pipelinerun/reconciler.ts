// The PipelineRun reconciler: the plan engine's skeleton with what is the
// run's own. A new run is refused when its Pipeline is halted, waits behind a
// running run (or cancels the running run of its branch), and is then planned
// by the Plan agent: its stages, through risk, policy, approval and the
// requester's authority like any plan. While it runs, each pass moves its
// stages on (stages.ts); every stage attempt is a journalled step.
import type { PipelineRun, PipelineRunStatus, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import { PipelineRun as PipelineRunSchema } from '../../api/v1alpha1/pipeline-run.js';
import { Pipeline } from '../../api/v1alpha1/pipeline.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import type { Agent } from '../../agents/agent.js';
import type { PipelineFacts } from '../../agents/pipeline/agent.js';
import { approvalHandler } from '../../engine/approvals.js';
import { stepInvoker, type StepDeps } from '../../engine/execute.js';
import type { Announcement } from '../../engine/phases.js';
import { markRunning } from '../../engine/kstatus.js';
import { decidePlan } from '../../engine/plan.js';
import { loadPolicy } from '../../engine/policy.js';
import { invalidObject, planReconciler, type ReconcileDeps } from '../../engine/reconcile.js';
import { stalledStatus } from '../../engine/status.js';
import { gateFor } from '../../engine/subject.js';
import type { Reconcile } from '../../runtime/controller.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { pipelineResource, pipelineRunKind, pipelineRunResource } from './kind.js';
import { concurrency, endedStatus, haltedRefusal, initialStages, queuedStatus } from './start.js';
import { advanceStages } from './stages.js';

type Status = PipelineRunStatus;

export interface PipelineRunReconcilerDeps extends ReconcileDeps, StepDeps {
  agent: Agent<PipelineRun, PipelineFacts>;
  /** the runs of a namespace, from the informer cache (concurrency, resumeFrom) */
  runs: { byNamespace(namespace: string): readonly { metadata: { name: string } }[] };
  /** the run's own metrics of each status written (stage and run durations) */
  stageMetrics?: (prev: Status, next: Status) => void;
}

/** How often a queued run, or one whose Pipeline is missing, looks again. */
export const QUEUE_RECHECK_MS = 5000;
export const PIPELINE_RECHECK_MS = 30_000;

const FINISHED = new Set(['Succeeded', 'Failed', 'Cancelled', 'Refused', 'Denied', 'Planned']);

/** The Events of a run's stage transitions, beside the engine's for the run. */
export function stageAnnouncements(prev: Status, next: Status): Announcement[] {
  const before = new Map((prev.stages ?? []).map((s) => [s.name, s]));
  const out: Announcement[] = [];
  for (const s of next.stages ?? []) {
    const b = before.get(s.name);
    if (b && b.state === s.state && b.attempts === s.attempts) continue;
    const what = `stage ${s.name}`;
    const say = (type: Announcement['type'], reason: string, note: string) => out.push({ type, reason, note });
    if (s.state === 'Running') say('Normal', PipelineReason.StageStarted, `${what}: attempt ${s.attempts} started`);
    if (s.state === 'Succeeded')
      say('Normal', PipelineReason.StageSucceeded, `${what} succeeded (attempt ${s.attempts}): ${s.message ?? ''}`);
    if (s.state === 'Failed')
      say('Warning', PipelineReason.StageFailed, `${what} failed (attempt ${s.attempts}): ${s.message ?? ''}`);
    if (s.state === 'Waiting') say('Warning', PipelineReason.StageRetrying, `${what}: ${s.message ?? ''}`);
    if (s.state === 'Skipped') say('Normal', PipelineReason.StageSkipped, `${what} skipped: ${s.message ?? ''}`);
    if (s.state === 'Cancelled') say('Warning', PipelineReason.StageCancelled, `${what} stopped: ${s.message ?? ''}`);
    if (s.state === 'Reused' && !b) say('Normal', PipelineReason.StageReused, `${what}: ${s.message ?? ''}`);
  }
  return out;
}

export function pipelineRunReconciler(deps: PipelineRunReconcilerDeps): Reconcile {
  const { client } = deps;
  const tools: AnyTool[] = deps.agent.tools();
  const invoke = stepInvoker(deps, pipelineRunKind, tools);
  const approvals = approvalHandler(deps);

  const readPipeline = async (run: PipelineRun) => {
    const raw = await client.tryGet(pipelineResource, run.metadata.namespace, run.spec.pipelineRef.name);
    const parsed = raw && Pipeline.safeParse(raw);
    return parsed?.success ? parsed.data : undefined;
  };
  const runsOf = (namespace: string) =>
    deps.runs
      .byNamespace(namespace)
      .map((r) => PipelineRunSchema.safeParse(r))
      .flatMap((r) => (r.success ? [r.data] : []));

  /** A run that has no plan yet: refused, queued, cancelling others, or planned. */
  async function start(run: PipelineRun, now: Date): Promise<{ next: Status; requeueAfter?: number }> {
    const prev: Status = run.status ?? {};
    const namespace = run.metadata.namespace ?? '';
    if (run.spec.status === 'Cancelled')
      return { next: endedStatus(run, 'Cancelled', PipelineReason.RunCancelled, 'cancelled before it started', now) };
    const pipeline = await readPipeline(run);
    if (!pipeline) {
      const message =
        `Pipeline ${namespace}/${run.spec.pipelineRef.name} does not exist (or does not parse): ` +
        'create it, and the run starts';
      return {
        next: stalledStatus(run, { reason: PipelineReason.PipelineNotFound, message }, now),
        requeueAfter: PIPELINE_RECHECK_MS,
      };
    }
    const halted = haltedRefusal(pipeline);
    if (halted) return { next: endedStatus(run, 'Refused', halted.reason, halted.message, now) };
    const policy = loadPolicy(deps.policies, namespace, undefined, deps.operatorNamespace);
    if (!policy)
      return {
        next: stalledStatus(
          run,
          { reason: PipelineReason.RiskPolicyNotFound, message: 'no RiskPolicy applies here: create one' },
          now,
        ),
        requeueAfter: PIPELINE_RECHECK_MS,
      };
    const others = runsOf(namespace);
    const conc = concurrency(run, pipeline, others);
    for (const name of conc.cancel) {
      // the Pipeline's concurrencyPolicy asks for it: the newer run of the branch replaces the older
      await client.patch(pipelineRunResource, namespace, name, { spec: { status: 'Cancelled' } });
    }
    if (conc.queueBehind) return { next: queuedStatus(run, conc.queueBehind, now), requeueAfter: QUEUE_RECHECK_MS };
    const registry = new ToolRegistry(tools);
    const gate = gateFor(run, policy);
    const proposal = await deps.agent.plan({ subject: run, facts: { pipeline }, policy, registry, gate, now });
    if ('stall' in proposal) return { next: stalledStatus(run, proposal.stall, now) };
    if (!('plan' in proposal)) return { next: prev, requeueAfter: proposal.waitMs };
    const from = run.spec.resumeFrom ? others.find((o) => o.metadata.name === run.spec.resumeFrom) : undefined;
    const init = initialStages(run, proposal.plan.steps, from);
    if ('stall' in init) return { next: stalledStatus(run, init.stall, now) };
    const { status } = await decidePlan(
      deps,
      pipelineRunKind,
      run,
      { proposed: proposal.plan, registry, gate, policy, target: null, fromModel: false },
      now,
    );
    if (!status.plan || status.phase === 'Stalled') return { next: status };
    const stages: StageStatus[] = init.stages;
    const done = stages.filter((s) => s.state === 'Reused').length;
    return {
      next: { ...status, stages, progress: `${done}/${stages.length}` },
      requeueAfter: status.phase === 'Running' ? 1 : undefined,
    };
  }

  async function decide(run: PipelineRun, now: Date): Promise<{ next: Status; requeueAfter?: number }> {
    const prev: Status = run.status ?? {};
    // a finished run changes no more; a cancel asked of it afterwards is observed, and nothing else
    if (FINISHED.has(prev.phase ?? '')) return { next: { ...prev, observedGeneration: run.metadata.generation } };
    if (!prev.plan) {
      // a plan that could not be made stays so until the spec changes (a cancel) or what it waits for appears
      return start(run, now);
    }
    if (prev.phase === 'AwaitingApproval') {
      if (run.spec.status === 'Cancelled')
        return {
          next: endedStatus(run, 'Cancelled', PipelineReason.RunCancelled, 'cancelled while awaiting approval', now),
        };
      return approvals.await(run, pipelineRunKind, now);
    }
    if (prev.phase !== 'Running') return { next: prev };
    const pipeline = await readPipeline(run);
    const timeoutSeconds = pipeline?.spec.timeoutSeconds ?? 7200;
    const next = {
      ...run,
      status: {
        ...prev,
        startedAt: prev.startedAt ?? timestamp(now),
        deadline: prev.deadline ?? timestamp(new Date(now.getTime() + timeoutSeconds * 1000)),
        conditions: prev.startedAt
          ? prev.conditions
          : markRunning(prev.conditions, 'started', now, prev.observedGeneration),
      },
    };
    return advanceStages(invoke, next, { concurrency: pipeline?.spec.concurrency ?? 4, now });
  }

  return planReconciler(deps, pipelineRunKind, tools, {
    parse(raw) {
      const parsed = PipelineRunSchema.safeParse(raw);
      if (parsed.success) return { subject: parsed.data };
      return { subject: raw as PipelineRun, invalid: invalidObject('PipelineRun', parsed.error.issues[0]) };
    },
    decide,
    // deletion of a run winds nothing down: a stage's Job belongs to the run and goes with it
    execute: async (run) => ({ next: run.status ?? {} }),
    announce: stageAnnouncements,
    observe: deps.stageMetrics,
  });
}
