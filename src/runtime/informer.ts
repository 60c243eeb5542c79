// An informer: list, then watch from the list's resourceVersion with bookmarks;
// relist on 410 Gone (reporting what was deleted meanwhile); restart with
// jittered backoff after any other error; re-watch when the stream goes silent
// past its own timeout; keep an indexed cache (by namespace, by owner).
import { hasCode, errorMessage } from '../api/errors.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from '../kube/client.js';
import type { Resource } from '../kube/resources.js';
import { apiVersionOf, resourcePath } from '../kube/resources.js';
import type { WatchEvent } from '../kube/rest.js';
import type { Logger } from '../telemetry/logger.js';
import { Backoff, sleep } from './backoff.js';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerObserver {
  watchRestart(reason: 'closed' | 'gone' | 'error' | 'stall'): void;
  relist(): void;
  cached(n: number): void;
}

export interface InformerOptions<T> {
  client: KubeClient;
  resource: Resource;
  /** one namespace, or all when unset */
  namespace?: string;
  labelSelector?: string;
  /** e.g. metadata.name=x: lets RBAC that names the object (resourceNames) allow the list and the watch */
  fieldSelector?: string;
  log: Logger;
  observer?: InformerObserver;
  /** server-side watch timeout, chosen at random in [min, max] seconds per watch (default 300–600) */
  watchTimeoutSeconds?: [number, number];
  /** silence (no event, no bookmark) beyond the watch timeout after which the watch is restarted (default 30 s) */
  stallGraceMs?: number;
  /** re-deliver every cached object as an update this often (0: never) */
  resyncMs?: number;
  /** shrink each object before caching; default drops metadata.managedFields */
  transform?: (obj: T) => T;
}

const keyOf = (o: KubeObject) =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;

const dropManagedFields = <T extends KubeObject>(obj: T): T => {
  if (obj.metadata.managedFields === undefined) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
};

/**
 * The strings every cached object of a resource repeats, one copy of each: JSON.parse gives each object its own
 * apiVersion and namespace (V8 shares only short strings), which made about a tenth of a cached Goal. Bounded: the
 * values are the resource's versions, kinds and namespaces.
 */
export class SharedStrings {
  private readonly strings = new Map<string, string>();

  of(s: string): string;
  of(s: string | undefined): string | undefined;
  of(s: string | undefined): string | undefined {
    if (s === undefined) return undefined;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    this.strings.set(s, s);
    return s;
  }

  /** `obj` (which the informer owns: parsed from a list or an event) with its repeated strings shared. */
  share<T extends KubeObject>(obj: T): T {
    obj.apiVersion = this.of(obj.apiVersion);
    obj.kind = this.of(obj.kind);
    if (obj.metadata.namespace !== undefined) obj.metadata.namespace = this.of(obj.metadata.namespace);
    return obj;
  }

  get size(): number {
    return this.strings.size;
  }
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly shared = new SharedStrings();
  private readonly byNs = new Map<string, Set<string>>();
  private readonly byOwnerUid = new Map<string, Set<string>>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private resourceVersion: string | undefined;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly transform: (obj: T) => T;

  constructor(private readonly opts: InformerOptions<T>) {
    this.transform = opts.transform ?? dropManagedFields;
  }

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  byNamespace(namespace: string): T[] {
    return [...(this.byNs.get(namespace) ?? [])].map((k) => this.cache.get(k) as T);
  }

  byOwner(uid: string): T[] {
    return [...(this.byOwnerUid.get(uid) ?? [])].map((k) => this.cache.get(k) as T);
  }

  get size(): number {
    return this.cache.size;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
    if (this.opts.resyncMs) {
      this.resyncTimer = setInterval(() => this.resync(), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    await this.loop;
  }

  /** Delivers every cached object to the handlers as an unchanged update. */
  resync(): void {
    for (const obj of this.cache.values()) for (const h of this.handlers) h.onUpdate?.(obj, obj);
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    const backoff = new Backoff(200, 30_000);
    while (!stop.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        const reason = await this.watchOnce(() => backoff.reset());
        if (stop.aborted) break;
        this.opts.observer?.watchRestart(reason);
      } catch (err) {
        if (stop.aborted) break;
        if (hasCode(err, 'BOSUN_ERR_KUBE_GONE')) {
          this.opts.log.info(
            { resource: this.opts.resource.plural },
            'watch resourceVersion too old (410 Gone): relisting',
          );
          this.opts.observer?.watchRestart('gone');
          this.resourceVersion = undefined;
          continue;
        }
        const delay = backoff.next();
        this.opts.log.warn(
          { resource: this.opts.resource.plural, err: errorMessage(err), retryInMs: delay },
          'list/watch failed; retrying',
        );
        this.opts.observer?.watchRestart('error');
        await sleep(delay, stop);
      }
    }
  }

  private async relist(): Promise<void> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.opts;
    const list = await client.list<T>(resource, { namespace, labelSelector, fieldSelector });
    this.opts.observer?.relist();
    const seen = new Set<string>();
    for (const raw of list.items) {
      const obj = this.transform({
        ...raw,
        apiVersion: raw.apiVersion ?? apiVersionOf(resource),
        kind: raw.kind ?? resource.kind,
      } as T);
      const key = keyOf(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (!old) this.upsert(key, obj, undefined);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.upsert(key, obj, old);
    }
    for (const [key, old] of [...this.cache]) {
      if (!seen.has(key)) this.remove(key, old); // deleted while we were not watching
    }
    this.resourceVersion = list.metadata.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  /** One watch; resolves with why it ended. */
  private async watchOnce(onAlive: () => void): Promise<'closed' | 'stall'> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.opts;
    const [min, max] = this.opts.watchTimeoutSeconds ?? [300, 600];
    const timeoutSeconds = Math.round(min + Math.random() * (max - min));
    const stallMs = timeoutSeconds * 1000 + (this.opts.stallGraceMs ?? 30_000);
    const watchAbort = new AbortController();
    const onStop = () => watchAbort.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    let stalled = false;
    let timer = setTimeout(stall, stallMs);
    function stall() {
      stalled = true;
      watchAbort.abort();
    }
    try {
      await client.rest.watch(
        resourcePath(resource, { namespace }),
        {
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds,
          labelSelector,
          fieldSelector,
        },
        (ev) => {
          clearTimeout(timer);
          timer = setTimeout(stall, stallMs);
          onAlive();
          this.apply(ev);
        },
        watchAbort.signal,
      );
    } catch (err) {
      if (!stalled) throw err; // a stalled watch may be aborted before its answer arrived
    } finally {
      clearTimeout(timer);
      this.stopController.signal.removeEventListener('abort', onStop);
    }
    if (stalled)
      this.opts.log.warn({ resource: resource.plural, silentMs: stallMs }, 'watch went silent; restarting it');
    return stalled ? 'stall' : 'closed';
  }

  private apply(ev: WatchEvent): void {
    const obj = this.transform(ev.object as T);
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (ev.type === 'BOOKMARK') return;
    const key = keyOf(obj);
    const old = this.cache.get(key);
    if (ev.type === 'DELETED') {
      if (old) this.remove(key, obj);
      return;
    }
    this.upsert(key, obj, old);
  }

  private upsert(key: string, obj: T, old: T | undefined): void {
    if (old) this.unindex(key, old);
    this.cache.set(key, this.shared.share(obj));
    this.index(key, obj);
    this.opts.observer?.cached(this.cache.size);
    for (const h of this.handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj);
    }
  }

  private remove(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (old) this.unindex(key, old);
    this.cache.delete(key);
    this.opts.observer?.cached(this.cache.size);
    for (const h of this.handlers) h.onDelete?.(obj);
  }

  private index(key: string, obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    let set = this.byNs.get(ns);
    if (!set) this.byNs.set(ns, (set = new Set()));
    set.add(key);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      let owned = this.byOwnerUid.get(ref.uid);
      if (!owned) this.byOwnerUid.set(ref.uid, (owned = new Set()));
      owned.add(key);
    }
  }

  private unindex(key: string, obj: T): void {
    const ns = obj.metadata.namespace ?? '';
    const set = this.byNs.get(ns);
    set?.delete(key);
    if (set?.size === 0) this.byNs.delete(ns);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const owned = this.byOwnerUid.get(ref.uid);
      owned?.delete(key);
      if (owned?.size === 0) this.byOwnerUid.delete(ref.uid);
    }
  }
}
