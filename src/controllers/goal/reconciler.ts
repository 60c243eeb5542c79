// The Goal reconciler (first version): finalizer, the spec checks CEL cannot
// express, status with conditions and observedGeneration, an Event per
// decision, and the full status snapshot in Bosun's etcd. Planning and
// execution come later. Gather → decide (pure) → act → write status once.
import { createHash } from 'node:crypto';
import { errorMessage, hasCode } from '../../api/errors.js';
import { Goal, type GoalStatus } from '../../api/v1alpha1/goal.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { ConditionType, GoalReason } from '../../api/v1alpha1/reasons.js';
import type { KubeClient } from '../../kube/client.js';
import type { EventRecorder } from '../../kube/events.js';
import { deepEqual } from '../../kube/merge-patch.js';
import { bosunResource } from '../../kube/resources.js';
import { getCondition } from '../../runtime/conditions.js';
import type { Reconcile } from '../../runtime/controller.js';
import { hasFinalizer, isDeleting, withFinalizer, withoutFinalizer } from '../../runtime/finalizers.js';
import type { StateStore } from '../../store/state-store.js';
import type { Logger } from '../../telemetry/logger.js';
import { nextStatus } from './status.js';
import { validateGoal, type Stall } from './validate.js';

export const goalResource = bosunResource(kindInfo('Goal'));

export interface GoalReconcilerDeps {
  cache: { getByKey(key: string): KubeObject | undefined };
  client: KubeClient;
  store: StateStore;
  events: EventRecorder;
  log: Logger;
  now: () => Date;
  /** test seam: runs between gathering and acting */
  afterGather?: (key: string) => Promise<void>;
}

const splitKey = (key: string) => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

export function goalReconciler(deps: GoalReconcilerDeps): Reconcile {
  const { client, store, events, log } = deps;
  return async (key) => {
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
      if (!hasFinalizer(goal)) return;
      await store.deleteSnapshot(ref);
      await store.appendAction({ ...ref, uid, id: actionId(uid, 'deleted'), action: 'Deleted', detail: {} });
      await client.setFinalizers(goalResource, goal, withoutFinalizer(goal));
      return;
    }
    if (!hasFinalizer(goal)) {
      await client.setFinalizers(goalResource, goal, withFinalizer(goal));
      return; // the update brings the Goal back with its finalizer
    }
    await deps.afterGather?.(key);

    // decide
    const stall: Stall | undefined = parsed.success
      ? validateGoal(goal.spec, namespace)
      : { reason: GoalReason.InvalidObject, message: `the object does not match the Goal schema (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}): fix the spec` };
    const now = deps.now();
    let status = nextStatus({ goal, stall, storeAvailable: true, now });
    const prev = goal.status ?? {};
    if (deepEqual(status, prev)) return; // nothing changed: no write at all

    // act: the durable record first, then the status people read
    let storeError: unknown;
    try {
      await store.putSnapshot(ref, { uid, generation: goal.metadata.generation, spec: goal.spec, status });
      const reason = readyReason(status);
      if (reason !== readyReason(prev)) {
        await store.appendAction({ ...ref, uid, id: actionId(uid, `${goal.metadata.generation}/${reason}`), action: reason ?? 'Updated', detail: { phase: status.phase, message: getCondition(status.conditions, ConditionType.Ready)?.message } });
      }
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      storeError = err;
      status = nextStatus({ goal, stall, storeAvailable: false, now });
      log.warn({ namespace, name, err: errorMessage(err) }, "Bosun's etcd is unreachable; status shows it and the Goal is retried");
    }
    if (!deepEqual(status, prev)) await client.patchStatus(goalResource, goal, status);
    await announce(events, goal, prev, status);
    if (storeError) throw storeError; // retried with backoff
  };
}

const readyReason = (s: GoalStatus) => getCondition(s.conditions, ConditionType.Ready)?.reason;

/** One Event per decision: only when the Ready reason changes. */
async function announce(events: EventRecorder, goal: Goal, prev: GoalStatus, next: GoalStatus): Promise<void> {
  const reason = readyReason(next);
  if (!reason || reason === readyReason(prev)) return;
  const message = getCondition(next.conditions, ConditionType.Ready)?.message ?? '';
  await events.event(goal, reason === GoalReason.Accepted ? 'Normal' : 'Warning', reason, message);
}

/** Deterministic, so a retried append of the same decision is a no-op. */
const actionId = (uid: string, what: string) => createHash('sha256').update(`${uid}/${what}`).digest('hex').slice(0, 20);
