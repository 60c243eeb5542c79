// apiVersion + kind → the resource that serves it, from the API server's own
// discovery documents (as kubectl's RESTMapper does), cached per group version.
import { BosunError, hasCode } from '../api/errors.js';
import type { KubeClient } from './client.js';
import type { Resource } from './resources.js';

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export interface KindMapper {
  /** The resource for a kind; throws BOSUN_ERR_KIND_UNKNOWN when the API server does not serve it. */
  resolve(apiVersion: string, kind: string): Promise<Resource>;
}

const TTL_MS = 5 * 60_000;

export class DiscoveryMapper implements KindMapper {
  private readonly cache = new Map<string, { at: number; list: Promise<ApiResourceList | undefined> }>();

  constructor(
    private readonly client: KubeClient,
    private readonly now: () => number = Date.now,
  ) {}

  private groupVersion(apiVersion: string): Promise<ApiResourceList | undefined> {
    const hit = this.cache.get(apiVersion);
    if (hit && this.now() - hit.at < TTL_MS) return hit.list;
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = this.client.rest.request<ApiResourceList>({ verb: 'get', method: 'GET', path }).catch((err) => {
      if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) return undefined;
      this.cache.delete(apiVersion); // a transient failure is not remembered
      throw err;
    });
    this.cache.set(apiVersion, { at: this.now(), list });
    return list;
  }

  async resolve(apiVersion: string, kind: string): Promise<Resource> {
    if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) {
      throw new BosunError('BOSUN_ERR_KIND_UNKNOWN', `"${apiVersion}" is not an apiVersion (group/version, or v1)`);
    }
    const list = await this.groupVersion(apiVersion);
    const found = list?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found)
      throw new BosunError('BOSUN_ERR_KIND_UNKNOWN', `the API server does not serve ${kind} in ${apiVersion}`);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return { group: group ?? '', version: version ?? '', plural: found.name, kind, namespaced: found.namespaced };
  }
}
