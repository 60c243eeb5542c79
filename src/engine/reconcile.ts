// One reconcile for every planning kind: gather → decide (the kind's own) → act
// → write status once. The skeleton is the engine's: the finalizer, deletion
// (a plan that had started is wound down as it says), Bosun's record (a status
// that disagrees with it is restored, and nothing runs from it), then the
// kind's decision, recorded in Bosun's etcd with an action-log entry and an
// Event per transition before the status people read. Requests the API server
// refuses for good, and an unreachable etcd, end in a status that says so.
import { errorMessage, hasCode } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { Crashpoint } from '../executor/failpoints.js';
import type { KubeClient } from '../kube/client.js';
import type { EventRecorder } from '../kube/events.js';
import { deepEqual } from '../kube/merge-patch.js';
import { TerminalError, type Reconcile, type Result } from '../runtime/controller.js';
import { hasFinalizer, isDeleting, withFinalizer, withoutFinalizer } from '../runtime/finalizers.js';
import type { StateStore } from '../store/state-store.js';
import type { Logger } from '../telemetry/logger.js';
import { ToolRegistry } from '../tools/registry.js';
import type { AnyTool } from '../tools/tool.js';
import { windDown } from './deletion.js';
import type { StepRun } from './execute.js';
import { announcements, type Announcement } from './phases.js';
import { recordedStatus, tamperedFields } from './record.js';
import { refusedWrite } from './refused.js';
import { acceptedStatus, stalledStatus, storeUnavailableStatus } from './status.js';
import { actionId, refOf, type PlanStatus, type PlanSubject, type Stall, type SubjectKind } from './subject.js';

export interface ReconcileDeps {
  cache: { getByKey(key: string): KubeObject | undefined };
  client: KubeClient;
  store: StateStore;
  events: EventRecorder;
  log: Logger;
  now: () => Date;
  crashpoint?: Crashpoint;
  /** test seam: runs between gathering and acting */
  afterGather?: (key: string) => Promise<void>;
  /** told of every status written, for the metrics: the kind, the status before and the status after */
  observe?: (kind: string, prev: PlanStatus, next: PlanStatus) => void;
}

/** What a kind gives the skeleton. */
export interface KindHooks<S extends PlanStatus, T extends PlanSubject<S> & KubeObject> {
  /** the object as the kind reads it; `invalid` when it does not match the kind's schema */
  parse(raw: KubeObject): { subject: T; invalid?: Stall };
  /** checks of the spec that CEL cannot express: a stall says what to change */
  validate?(subject: T): Stall | undefined;
  /** the next status (planning, a step, a phase of the kind's own); side effects are journalled */
  decide(subject: T, now: Date): Promise<{ next: S; requeueAfter?: number }>;
  /** advances a plan one step: deletion winds a started plan down with it */
  execute(subject: T, now: Date): Promise<StepRun<S>>;
  /** the kind's own Events and action-log entries for a transition, beside the engine's */
  announce?(prev: S, next: S): Announcement[];
  /** what else goes with the subject when it is deleted (model plans, decision records) */
  forget?(subject: T): Promise<void>;
  /** the kind's own metrics of a status written, beside the engine's */
  observe?(prev: S, next: S): void;
}

const splitKey = (key: string) => {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
};

/** A stall for an object that does not match its kind's schema. */
export const invalidObject = (kind: string, issue: { path: PropertyKey[]; message: string } | undefined): Stall => ({
  reason: 'InvalidObject',
  message: `the object does not match the ${kind} schema (${issue?.path.join('.')}: ${issue?.message}): fix the spec`,
});

export function planReconciler<S extends PlanStatus, T extends PlanSubject<S> & KubeObject>(
  deps: ReconcileDeps,
  kind: SubjectKind<S>,
  tools: readonly AnyTool[],
  hooks: KindHooks<S, T>,
): Reconcile {
  const { client, store, events, log } = deps;
  /** restores in a row per UID: only to stop a restore that cannot stick from looping */
  const restores = new Map<string, number>();
  /** a status Bosun decided was written: the metrics count what it did */
  const written = (prev: S, next: S) => {
    deps.observe?.(kind.kind, prev, next);
    hooks.observe?.(prev, next);
  };

  /** Bosun's record of what it decided (`next`, from `prior`): written before the status, which projects it. */
  const recordDecided = (subject: T, next: S, prior: S) =>
    store.putSnapshot(refOf(kind, subject), {
      uid: subject.metadata.uid,
      generation: subject.metadata.generation,
      spec: subject.spec,
      status: next,
      prior,
    });

  /**
   * A request the API server refuses for good (invalid, forbidden, a namespace being deleted) ends
   * in a reason on the subject and no more retries; it is looked at again when it changes.
   */
  const reconcile: Reconcile = async (key) => {
    try {
      return await reconcileOnce(key);
    } catch (err) {
      const refused = refusedWrite(err, kind.kind);
      if (!refused) throw err;
      const raw = deps.cache.getByKey(key);
      const parsed = raw && hooks.parse(raw);
      if (parsed && !parsed.invalid) {
        const subject = parsed.subject;
        try {
          // recorded first, like every status Bosun decides: otherwise the record would restore it
          const next = stalledStatus(subject, refused, deps.now());
          await recordDecided(subject, next, subject.status ?? ({} as S));
          await client.patchStatus(kind.resource, subject, next);
          written(subject.status ?? ({} as S), next);
          await events.event(subject, 'Warning', refused.reason, refused.message);
        } catch (again) {
          log.warn({ key, err: errorMessage(again) }, `could not record a refused request on the ${kind.kind}`);
        }
      }
      throw new TerminalError(refused.message, { cause: err });
    }
  };
  return reconcile;

  async function announce(subject: T, prev: S, next: S) {
    for (const a of announcements(kind, prev, next)) await events.event(subject, a.type, a.reason, a.note);
  }

  async function reconcileOnce(key: string): Promise<Result | void> {
    // gather
    const { namespace, name } = splitKey(key);
    const ref = { kind: kind.kind, namespace, name };
    const raw = deps.cache.getByKey(key);
    if (!raw) {
      await store.deleteSnapshot(ref); // gone (finalizer removed by hand, or deleted meanwhile)
      return;
    }
    const { subject, invalid } = hooks.parse(raw);
    const uid = subject.metadata.uid ?? '';
    if (isDeleting(subject)) {
      restores.delete(uid);
      if (!hasFinalizer(subject)) return;
      // a plan that had started changing things is wound down as it says, from Bosun's own record
      const { status: recorded } = await recordedStatus(store, ref, subject, kind.status);
      const registry = new ToolRegistry(tools);
      const wind = windDown(recorded, (tool) => registry.mutates(tool));
      if ('rollback' in wind) {
        const { next, requeueAfter } = await hooks.execute({ ...subject, status: wind.rollback }, deps.now());
        await recordDecided(subject, next, recorded);
        await client.patchStatus(kind.resource, subject, next);
        written(recorded, next);
        await announce(subject, recorded, next);
        return { requeueAfter: requeueAfter ?? 1 };
      }
      await store.appendAction({ ...ref, uid, id: actionId(uid, 'deleted'), action: 'Deleted', detail: wind.done });
      await store.deleteSnapshot(ref);
      await hooks.forget?.(subject);
      await store.forgetDecisions(uid); // the decisions on its Approvals go with it
      await client.setFinalizers(kind.resource, subject, withoutFinalizer(subject));
      return;
    }
    if (!hasFinalizer(subject)) {
      await client.setFinalizers(kind.resource, subject, withFinalizer(subject));
      return; // the update brings the object back with its finalizer
    }
    await deps.afterGather?.(key);

    // Bosun's record decides: a status that disagrees with it is restored, and nothing runs from it
    let recorded: { status: S; prior: S };
    try {
      recorded = await recordedStatus(store, ref, subject, kind.status);
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      const prev = subject.status ?? ({} as S);
      const next = storeUnavailableStatus(prev, deps.now(), kind.kind);
      await client.patchStatus(kind.resource, subject, next);
      await announce(subject, prev, next);
      throw err; // retried with backoff
    }
    const tampered = tamperedFields(subject.status, recorded.status, kind.status);
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
      await client.patchStatus(kind.resource, subject, recorded.status);
      // the status Bosun decided from, whose update did not land (a conflict, a crash): caught up quietly
      if (tamperedFields(subject.status, recorded.prior, kind.status).length) {
        const note =
          `status (${tampered.join(', ')}) did not match Bosun's record of what it decided: restored from the ` +
          'record, and nothing ran from it';
        log.warn({ namespace, name, fields: tampered }, `a ${kind.kind} status disagreed with the record; restored`);
        await store.appendAction({
          ...ref,
          uid,
          id: actionId(uid, 'restored', subject.metadata.resourceVersion),
          action: 'StatusRestored',
          detail: { fields: tampered },
        });
        await events.event(subject, 'Warning', 'StatusRestored', note);
      }
      return; // the restored status comes back through the watch
    }

    // decide (planning and a step's side effect happen here, journalled)
    const now = deps.now();
    const prev: S = subject.status ?? ({} as S);
    const stall = invalid ?? hooks.validate?.(subject);
    let next: S = prev;
    let requeueAfter: number | undefined;
    let storeError: unknown;
    try {
      if (stall) next = stalledStatus(subject, stall, now);
      else ({ next, requeueAfter } = await hooks.decide(subject, now));
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
      storeError = err;
    }
    // a first decision that says nothing yet (a model still planning) still says at once that work is under way
    if (!storeError && !next.conditions?.length) next = acceptedStatus({ ...subject, status: next }, kind, now);
    if (!storeError && deepEqual(next, prev)) return requeueAfter ? { requeueAfter } : undefined;

    // act: the durable record first, then the status people read
    const said = storeError ? [] : [...announcements(kind, prev, next), ...(hooks.announce?.(prev, next) ?? [])];
    if (!storeError) {
      try {
        await recordDecided(subject, next, prev);
        for (const a of said) {
          await store.appendAction({
            ...ref,
            uid,
            id: actionId(uid, subject.metadata.generation, next.planHash, a.reason, a.note),
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
      next = storeUnavailableStatus(prev, now, kind.kind);
      log.warn(
        { namespace, name, err: errorMessage(storeError) },
        `Bosun's etcd is unreachable; status shows it and the ${kind.kind} is retried`,
      );
    }
    if (!deepEqual(next, prev)) {
      deps.crashpoint?.('before-status');
      await client.patchStatus(kind.resource, subject, next);
      if (!storeError) written(prev, next);
    }
    if (storeError) await announce(subject, prev, next);
    else for (const a of said) await events.event(subject, a.type, a.reason, a.note);
    if (storeError) throw storeError; // retried with backoff
    return requeueAfter ? { requeueAfter } : undefined;
  }
}
