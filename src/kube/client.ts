// Typed access to the API for one controller: reads, conflict-safe status
// patches, finalizers and server-side apply under that controller's own field
// manager.
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { hasCode } from '../api/errors.js';
import { mergePatch } from './merge-patch.js';
import { resourcePath, type Resource } from './resources.js';
import type { KubeRequest, KubeRest } from './rest.js';

export interface ListResult<T = KubeObject> {
  items: T[];
  metadata: { resourceVersion: string; continue?: string };
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
}

const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

export class KubeClient {
  constructor(
    readonly rest: KubeRest,
    /** field manager for every write this client makes: one per controller */
    readonly fieldManager: string,
    /** the User-Agent of every request this client makes (default: the connection's) */
    readonly userAgent: string = rest.userAgent,
    /** called right before every write request is sent; throws to stop it (a fence) */
    private readonly beforeWrite?: () => void,
  ) {}

  /** The same connection, writing under another controller's field manager. */
  as(fieldManager: string): KubeClient {
    return new KubeClient(this.rest, fieldManager, this.userAgent, this.beforeWrite);
  }

  /** The same connection, every request carrying this User-Agent (the audit log can then tell who asked). */
  withUserAgent(userAgent: string): KubeClient {
    return new KubeClient(this.rest, this.fieldManager, userAgent, this.beforeWrite);
  }

  /** The same connection; `check` runs right before each write (not read) and may throw to stop it. */
  withWriteGuard(check: () => void): KubeClient {
    return new KubeClient(this.rest, this.fieldManager, this.userAgent, check);
  }

  private request<T>(req: KubeRequest): Promise<T> {
    if (req.method !== 'GET') this.beforeWrite?.();
    return this.rest.request<T>({ ...req, userAgent: this.userAgent });
  }

  get<T = KubeObject>(r: Resource, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>({ verb: 'get', method: 'GET', path: resourcePath(r, { namespace, name }) });
  }

  async tryGet<T = KubeObject>(r: Resource, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.get<T>(r, namespace, name);
    } catch (err) {
      if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) return undefined;
      throw err;
    }
  }

  /** One page of a list. */
  listPage<T = KubeObject>(
    r: Resource,
    opts: ListOptions & { continue?: string; resourceVersion?: string } = {},
  ): Promise<ListResult<T>> {
    return this.request<ListResult<T>>({
      verb: 'list',
      method: 'GET',
      path: resourcePath(r, { namespace: opts.namespace }),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
      },
    });
  }

  /** Every page; the resourceVersion is the first page's (a consistent snapshot). */
  async list<T = KubeObject>(r: Resource, opts: ListOptions = {}): Promise<ListResult<T>> {
    const items: T[] = [];
    let page = await this.listPage<T>(r, { ...opts, limit: opts.limit ?? 500 });
    const resourceVersion = page.metadata.resourceVersion;
    items.push(...page.items);
    while (page.metadata.continue) {
      page = await this.listPage<T>(r, { ...opts, limit: opts.limit ?? 500, continue: page.metadata.continue });
      items.push(...page.items);
    }
    return { items, metadata: { resourceVersion } };
  }

  create<T = KubeObject>(r: Resource, obj: KubeObject, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.request<T>({
      verb: 'create',
      method: 'POST',
      path: resourcePath(r, { namespace: obj.metadata.namespace }),
      query: { fieldManager: this.fieldManager, dryRun: opts.dryRun ? 'All' : undefined },
      body: obj,
    });
  }

  /** Server-side apply under this client's field manager. */
  apply<T = KubeObject>(
    r: Resource,
    obj: KubeObject,
    opts: { force?: boolean; dryRun?: boolean; subresource?: string } = {},
  ): Promise<T> {
    return this.request<T>({
      verb: 'apply',
      method: 'PATCH',
      path: resourcePath(r, {
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        subresource: opts.subresource,
      }),
      query: { fieldManager: this.fieldManager, force: opts.force ?? false, dryRun: opts.dryRun ? 'All' : undefined },
      body: obj,
      contentType: APPLY,
    });
  }

  /** A JSON merge patch (strategic merge for built-in kinds when asked); with `resourceVersion` it fails with a conflict if the object changed since. */
  patch<T = KubeObject>(
    r: Resource,
    namespace: string | undefined,
    name: string,
    patch: Record<string, unknown>,
    opts: { resourceVersion?: string; subresource?: string; dryRun?: boolean; strategic?: boolean } = {},
  ): Promise<T> {
    const body = opts.resourceVersion
      ? {
          ...patch,
          metadata: {
            ...(patch.metadata as Record<string, unknown> | undefined),
            resourceVersion: opts.resourceVersion,
          },
        }
      : patch;
    return this.request<T>({
      verb: 'patch',
      method: 'PATCH',
      path: resourcePath(r, { namespace, name, subresource: opts.subresource }),
      query: { fieldManager: this.fieldManager, dryRun: opts.dryRun ? 'All' : undefined },
      body,
      contentType: opts.strategic ? STRATEGIC : MERGE,
    });
  }

  /** Raw text from a GET (pod logs). */
  getText(path: string, query: Record<string, string | number | boolean | undefined>): Promise<string> {
    return this.rest.requestText({ verb: 'get', method: 'GET', path, query, userAgent: this.userAgent });
  }

  /**
   * Writes `status` if it differs from the object's current status, guarded by
   * the object's resourceVersion (a concurrent write makes it fail with
   * BOSUN_ERR_KUBE_CONFLICT). Returns the updated object, or undefined when
   * nothing changed and no request was made.
   */
  async patchStatus<T extends KubeObject>(r: Resource, current: T, status: unknown): Promise<T | undefined> {
    const diff = mergePatch(current.status ?? {}, status);
    if (diff === undefined) return undefined;
    return this.patch<T>(
      r,
      current.metadata.namespace,
      current.metadata.name,
      { status: diff },
      {
        resourceVersion: current.metadata.resourceVersion,
        subresource: 'status',
      },
    );
  }

  /** Replaces the finalizer list, guarded by resourceVersion. */
  setFinalizers<T extends KubeObject>(r: Resource, current: T, finalizers: string[]): Promise<T> {
    return this.patch<T>(
      r,
      current.metadata.namespace,
      current.metadata.name,
      { metadata: { finalizers } },
      {
        resourceVersion: current.metadata.resourceVersion,
      },
    );
  }

  async delete(
    r: Resource,
    namespace: string | undefined,
    name: string,
    opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; dryRun?: boolean } = {},
  ): Promise<void> {
    await this.request({
      verb: 'delete',
      method: 'DELETE',
      path: resourcePath(r, { namespace, name }),
      query: { dryRun: opts.dryRun ? 'All' : undefined },
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Background' },
    });
  }
}
