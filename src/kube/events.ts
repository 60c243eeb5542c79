// Events (events.k8s.io/v1) for `kubectl describe`. A repeat of the same event
// on the same object within the aggregation window updates the first one's
// series (count, last time) instead of creating another.
import { createHash } from 'node:crypto';
import { boundedName, microTimestamp } from '../api/v1alpha1/common.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { hasCode } from '../api/errors.js';
import type { KubeClient } from './client.js';
import { core } from './resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** reason: CamelCase (Planned, StepFailed, …); note: what happened, for a person. */
  event(regarding: KubeObject, type: EventType, reason: string, note: string, action?: string): Promise<void>;
}

const WINDOW_MS = 10 * 60_000;
const MAX_TRACKED = 4096;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: number;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly client: KubeClient,
    /** e.g. bosun.dev/goal-controller */
    private readonly controller: string,
    /** this replica, e.g. the pod name */
    private readonly instance: string,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  async event(
    regarding: KubeObject,
    type: EventType,
    reason: string,
    note: string,
    action = 'Reconcile',
  ): Promise<void> {
    const meta = regarding.metadata;
    const namespace = meta.namespace ?? 'default';
    const key = `${meta.uid}\u0000${type}\u0000${reason}\u0000${note}`;
    const now = this.now();
    try {
      const prior = this.seen.get(key);
      if (prior && now.getTime() - prior.first < WINDOW_MS) {
        prior.count += 1;
        try {
          await this.client.patch(core.events, prior.namespace, prior.name, {
            series: { count: prior.count, lastObservedTime: microTimestamp(now) },
          });
          return;
        } catch (err) {
          if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) throw err;
        }
      }
      const hash = createHash('sha256').update(`${key}\u0000${now.getTime()}`).digest('hex').slice(0, 10);
      const name = `${boundedName(meta.name, 253 - hash.length - 1)}.${hash}`;
      await this.client.create(core.events, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: microTimestamp(now),
        reportingController: this.controller,
        reportingInstance: this.instance,
        action,
        reason,
        note: note.slice(0, 1024),
        type,
        regarding: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
      });
      if (this.seen.size >= MAX_TRACKED) this.seen.delete(this.seen.keys().next().value as string);
      this.seen.set(key, { name, namespace, count: 1, first: now.getTime() });
    } catch (err) {
      // an Event is best effort: it never fails the reconcile that records it
      this.onError(err);
    }
  }
}
