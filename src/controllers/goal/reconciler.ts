// The Goal reconciler: gather → decide (pure) → act → write status once.
// A new generation is planned (plan-goal.ts); an executing Goal advances one step per
// reconcile through the journalled executor; every decision and step is an
// Event and an action-log entry, and the full status goes to Bosun's etcd
// before the CR's status.
import { errorMessage, hasCode } from '../../api/errors.js';
import type { PlanStep } from '../../api/v1alpha1/common.js';
import { Goal, type GoalStatus } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import { runStep, type StepOutcome } from '../../executor/executor.js';
import { deepEqual } from '../../kube/merge-patch.js';
import { bosunResource } from '../../kube/resources.js';
import { builtInPolicy } from '../../policy/decision.js';
import { TerminalError, type Reconcile, type Result } from '../../runtime/controller.js';
import { hasFinalizer, isDeleting, withFinalizer, withoutFinalizer } from '../../runtime/finalizers.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { AnyTool } from '../../tools/tool.js';
import { approvalHandler } from './approvals.js';
import { actionId, gateFor, type GoalReconcilerDeps } from './deps.js';
import { applyOutcome, nextStep } from './execution.js';
import { loadPolicy } from '../../engine/policy.js';
import { forgetPlans } from './llm-cache.js';
import { afterStep, announcements } from './phases.js';
import { goalPlanner } from './plan-goal.js';
import { windDown } from './deletion.js';
import { recordedStatus, tamperedFields } from './record.js';
import { refusedWrite } from './refused.js';
import { stalledStatus, storeUnavailableStatus } from './status.js';
import { validateGoal, type Stall } from './validate.js';
import { writerFor } from './writer.js';

export type { GoalReconcilerDeps } from './deps.js';

export const goalResource = bosunResource(kindInfo('Goal'));

const splitKey = (key: string) => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export function goalReconciler(deps: GoalReconcilerDeps): Reconcile {
  const { client, store, events, log } = deps;
  const tools: AnyTool[] = deps.agent.tools();
  const plan = goalPlanner(deps, tools);
  /** restores in a row per Goal UID: only to stop a restore that cannot stick from looping */
  const restores = new Map<string, number>();

  async function execute(goal: Goal, now: Date): Promise<{ next: GoalStatus; requeueAfter?: number }> {
    const prev = goal.status ?? {};
    const steps = prev.plan?.steps ?? [];
    const planOnly = goal.spec.mode === 'plan-only';
    const gen = goal.metadata.generation;
    const next = nextStep(steps);
    if ('done' in next) return { next: afterStep(prev, steps, next.done, planOnly, now, gen) };
    const step = steps[next.index] as PlanStep;
    const waitMs = step.retryAt ? Date.parse(step.retryAt) - now.getTime() : 0;
    if (waitMs > 0) return { next: prev, requeueAfter: waitMs };

    const namespace = goal.metadata.namespace ?? '';
    const uid = goal.metadata.uid ?? '';
    const policy =
      loadPolicy(deps.policies, namespace, goal.spec.riskPolicyRef, deps.operatorNamespace) ?? builtInPolicy;
    // the same plan in a later generation is a new execution: its results are never replayed from an earlier one
    const hash = `${prev.planHash ?? ''}@${prev.planGeneration ?? 0}${planOnly ? '-dryrun' : ''}`;
    const attempt = Math.max(1, step.attempt ?? 0);
    const ref = { kind: 'Goal', namespace, name: goal.metadata.name };
    const registry = new ToolRegistry(tools, async (call) => {
      await store.appendAction({
        ...ref,
        uid,
        id: actionId(uid, hash, next.index, attempt, call.outcome),
        action: 'ToolCall',
        detail: { step: next.index + 1, attempt, ...call },
      });
    });
    let writer = client;
    if (registry.mutates(step.tool)) {
      const w = await writerFor(writerDeps, goal, step, registry);
      if ('stall' in w) return { next: stalledStatus(goal, w.stall, now) };
      writer = w.client;
    }
    let outcome: StepOutcome;
    if (planOnly && registry.skippedInPlanOnly(step.tool)) {
      outcome = {
        kind: 'succeeded',
        summary: 'not run in plan-only mode: nothing changed, so there is nothing to wait for',
        startedAt: now.toISOString(),
      };
    } else {
      outcome = await runStep(
        { store, registry, fence: deps.fence, crashpoint: deps.crashpoint },
        {
          uid,
          planHash: hash,
          index: next.index,
          attempt,
          step,
          gate: gateFor(goal, policy),
          client: writer,
          reader: client,
          mapper: deps.mapper,
          namespace,
        },
      );
    }
    const applied = applyOutcome(step, outcome, now);
    const updated = steps.map((s, i) => (i === next.index ? applied.step : s));
    const after = nextStep(updated);
    const findings =
      goal.spec.intent?.type === 'diagnose' && outcome.kind === 'succeeded'
        ? [...(prev.findings ?? []), ...findingsFrom(step.tool, outcome)]
        : undefined;
    return {
      next: afterStep(prev, updated, 'done' in after ? after.done : undefined, planOnly, now, gen, findings),
      requeueAfter: applied.requeueAfterMs,
    };
  }

  /** Stalls that only a new spec can clear: asking the model again would only spend tokens. */
  const stalledForGood = (status: GoalStatus) =>
    status.phase === 'Stalled' &&
    [GoalReason.InvalidPlan, GoalReason.EmptyPlan, GoalReason.BudgetExceeded, GoalReason.RequestRejected].some((r) =>
      status.conditions?.some((c) => c.type === 'Stalled' && c.reason === r),
    );

  /** A Goal waiting for approval is judged again when its RiskPolicy changes. */
  const policyChangedWhileWaiting = (goal: Goal) =>
    goal.status?.phase === 'AwaitingApproval' &&
    (loadPolicy(deps.policies, goal.metadata.namespace ?? '', goal.spec.riskPolicyRef, deps.operatorNamespace)
      ?.version ?? 'missing') !== goal.status.policyVersion;

  const writerDeps = {
    reader: client,
    mapper: deps.mapper,
    executors: deps.executors,
    approvals: deps.approvals,
    decisions: store,
    fieldManager: client.fieldManager,
  };

  const approvals = approvalHandler({
    client,
    events,
    approvals: deps.approvals,
    decisions: store,
    policies: deps.policies,
    operatorNamespace: deps.operatorNamespace,
  });

  /** Bosun's record of what it decided (`next`, from `prior`): written before the status, which projects it. */
  const recordDecided = (goal: Goal, next: GoalStatus, prior: GoalStatus) =>
    store.putSnapshot(
      { kind: 'Goal', namespace: goal.metadata.namespace ?? '', name: goal.metadata.name },
      { uid: goal.metadata.uid, generation: goal.metadata.generation, spec: goal.spec, status: next, prior },
    );

  /**
   * A request the API server refuses for good (invalid, forbidden, a namespace being deleted) ends
   * in a reason on the Goal and no more retries; the Goal is looked at again when it changes.
   */
  const reconcile: Reconcile = async (key) => {
    try {
      return await reconcileOnce(key);
    } catch (err) {
      const refused = refusedWrite(err);
      if (!refused) throw err;
      const raw = deps.cache.getByKey(key);
      const goal = raw && Goal.safeParse(raw);
      if (goal?.success) {
        try {
          // recorded first, like every status Bosun decides: otherwise the record would restore it
          const next = stalledStatus(goal.data, refused, deps.now());
          await recordDecided(goal.data, next, goal.data.status ?? {});
          await client.patchStatus(goalResource, goal.data, next);
          await events.event(goal.data, 'Warning', refused.reason, refused.message);
        } catch (again) {
          log.warn({ key, err: errorMessage(again) }, 'could not record a refused request on the Goal');
        }
      }
      throw new TerminalError(refused.message, { cause: err });
    }
  };
  return reconcile;

  async function reconcileOnce(key: string): Promise<Result | void> {
    // gather
    const { namespace, name } = splitKey(key);
    const ref = { kind: 'Goal', namespace, name };
    const raw = deps.cache.getByKey(key);
    if (!raw) {
      await store.deleteSnapshot(ref); // gone (finalizer removed by hand, or deleted meanwhile)
      return;
    }
    const parsed = Goal.safeParse(raw);
    const goal: Goal = parsed.success ? parsed.data : ({ ...raw, spec: {} } as Goal);
    const uid = goal.metadata.uid ?? '';
    if (isDeleting(goal)) {
      restores.delete(uid);
      if (!hasFinalizer(goal)) return;
      // a plan that had started changing things is wound down as it says, from Bosun's own record
      const { status: recorded } = await recordedStatus(store, ref, goal);
      const registry = new ToolRegistry(tools);
      const wind = windDown(recorded, (tool) => registry.mutates(tool));
      if ('rollback' in wind) {
        const { next, requeueAfter } = await execute({ ...goal, status: wind.rollback }, deps.now());
        await recordDecided(goal, next, recorded);
        await client.patchStatus(goalResource, goal, next);
        for (const a of announcements(recorded, next)) await events.event(goal, a.type, a.reason, a.note);
        return { requeueAfter: requeueAfter ?? 1 };
      }
      await store.appendAction({ ...ref, uid, id: actionId(uid, 'deleted'), action: 'Deleted', detail: wind.done });
      await store.deleteSnapshot(ref);
      await forgetPlans(store, namespace, uid); // the model's plans go with the Goal
      await store.forgetDecisions(uid); // and the decisions on its Approvals
      await client.setFinalizers(goalResource, goal, withoutFinalizer(goal));
      return;
    }
    if (!hasFinalizer(goal)) {
      await client.setFinalizers(goalResource, goal, withFinalizer(goal));
      return; // the update brings the Goal back with its finalizer
    }
    await deps.afterGather?.(key);

    // Bosun's record decides: a status that disagrees with it is restored, and nothing runs from it
    let recorded: { status: GoalStatus; prior: GoalStatus };
    try {
      recorded = await recordedStatus(store, ref, goal);
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      const prev = goal.status ?? {};
      const next = storeUnavailableStatus(prev, deps.now());
      await client.patchStatus(goalResource, goal, next);
      for (const a of announcements(prev, next)) await events.event(goal, a.type, a.reason, a.note);
      throw err; // retried with backoff
    }
    const tampered = tamperedFields(goal.status, recorded.status);
    if (!tampered.length) restores.delete(uid);
    else {
      // a restore that does not stick (a CRD older than Bosun prunes a field) must not loop
      const again = (restores.get(uid) ?? 0) + 1;
      restores.set(uid, again);
      if (again > 3) {
        throw new TerminalError(
          `the status keeps disagreeing with Bosun's record after restoring it (${tampered.join(', ')}): ` +
            'the CRD may be older than Bosun; apply crds/ (kubectl apply -k config/crd)',
        );
      }
      await client.patchStatus(goalResource, goal, recorded.status);
      // the status Bosun decided from, whose update did not land (a conflict, a crash): caught up quietly
      if (tamperedFields(goal.status, recorded.prior).length) {
        const note =
          `status (${tampered.join(', ')}) did not match Bosun's record of what it decided: restored from the ` +
          'record, and nothing ran from it';
        log.warn({ namespace, name, fields: tampered }, 'a Goal status disagreed with the record; restored');
        await store.appendAction({
          ...ref,
          uid,
          id: actionId(uid, 'restored', goal.metadata.resourceVersion),
          action: 'StatusRestored',
          detail: { fields: tampered },
        });
        await events.event(goal, 'Warning', 'StatusRestored', note);
      }
      return; // the restored status comes back through the watch
    }

    // decide (planning and a step's side effect happen here, journalled)
    const now = deps.now();
    const prev: GoalStatus = goal.status ?? {};
    const stall: Stall | undefined = parsed.success
      ? validateGoal(goal.spec, namespace)
      : {
          reason: GoalReason.InvalidObject,
          message: `the object does not match the Goal schema (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}): fix the spec`,
        };
    let next: GoalStatus = prev;
    let requeueAfter: number | undefined;
    let storeError: unknown;
    try {
      if (stall) next = stalledStatus(goal, stall, now);
      else if (
        prev.observedGeneration !== goal.metadata.generation ||
        (!prev.plan && !stalledForGood(prev)) ||
        prev.phase === 'Pending' || // waiting for a ModelProvider: look again
        policyChangedWhileWaiting(goal)
      ) {
        // waiting for the provider's tokens per minute (the status is left as it is meanwhile), or for a provider
        const planned = await plan(goal, now);
        if ('waitMs' in planned) {
          requeueAfter = planned.waitMs;
          if (planned.status) next = planned.status;
        } else next = planned;
      } else if (prev.phase === 'Executing') ({ next, requeueAfter } = await execute(goal, now));
      else if (prev.phase === 'AwaitingApproval') ({ next, requeueAfter } = await approvals.await(goal, now));
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      storeError = err;
    }
    if (!storeError && deepEqual(next, prev)) return requeueAfter ? { requeueAfter } : undefined;

    // act: the durable record first, then the status people read
    const said = storeError ? [] : announcements(prev, next);
    if (!storeError) {
      try {
        await recordDecided(goal, next, prev);
        for (const a of said) {
          await store.appendAction({
            ...ref,
            uid,
            id: actionId(uid, goal.metadata.generation, next.planHash, a.reason, a.note),
            action: a.reason,
            detail: { type: a.type, note: a.note, phase: next.phase },
          });
        }
      } catch (err) {
        if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
        storeError = err;
      }
    }
    if (storeError) {
      // nothing moves while the journal cannot be written; the outage is on the status
      next = storeUnavailableStatus(prev, now);
      log.warn(
        { namespace, name, err: errorMessage(storeError) },
        "Bosun's etcd is unreachable; status shows it and the Goal is retried",
      );
    }
    if (!deepEqual(next, prev)) {
      deps.crashpoint?.('before-status');
      await client.patchStatus(goalResource, goal, next);
    }
    for (const a of storeError ? announcements(prev, next) : said) await events.event(goal, a.type, a.reason, a.note);
    if (storeError) throw storeError; // retried with backoff
    return requeueAfter ? { requeueAfter } : undefined;
  }
}

/** What a read-only diagnose step found, as lines for status.findings. */
function findingsFrom(tool: string, outcome: Extract<StepOutcome, { kind: 'succeeded' }>): string[] {
  const lines = [`${tool}: ${outcome.summary}`];
  const data = outcome.data ?? {};
  const events = Array.isArray(data.events)
    ? (data.events as string[]).filter((e) => e.startsWith('Warning')).slice(-3)
    : [];
  const logs = Array.isArray(data.lines) ? (data.lines as string[]).slice(-3).map((l) => `log: ${l}`) : [];
  return [...lines, ...events, ...logs].map((l) => l.slice(0, 1000));
}
