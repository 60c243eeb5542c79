// Short-lived credentials for the writes a plan makes. Bosun's own identity only
// reads; each mutating call runs as the executor ServiceAccount of the target
// namespace (bosun-executor), with a token from the TokenRequest API that lives
// at most ten minutes, is bound to the API server's audience, is never stored
// or logged, and is dropped from memory before it expires. What Bosun may do in
// a namespace is what that namespace's admin bound to the ServiceAccount.
import { BosunError, hasCode } from '../api/errors.js';
import { KubeClient } from './client.js';
import { core, resourcePath } from './resources.js';
import type { KubeRest } from './rest.js';

export const EXECUTOR_SERVICE_ACCOUNT = 'bosun-executor';
/** The shortest lifetime the TokenRequest API grants, and the longest Bosun asks for. */
export const EXECUTOR_TOKEN_SECONDS = 600;
/** A token is not handed out for a call during its last two minutes. */
const MARGIN_MS = 120_000;

export interface ExecutorCredentialsOptions {
  /** Bosun's own client: it asks for the tokens */
  client: KubeClient;
  serviceAccount?: string;
  /** audiences the token is bound to (default: the API server's own) */
  audiences?: string[];
  /** every token is registered here before use, so logs mask it */
  onToken?: (token: string) => void;
  now?: () => number;
}

interface Cached {
  client: KubeClient;
  rest: KubeRest;
  expiresAt: number;
}

interface TokenRequestAnswer {
  status?: { token?: string; expirationTimestamp?: string };
}

export class ExecutorCredentials {
  private readonly cache = new Map<string, Promise<Cached>>();
  private readonly serviceAccount: string;
  private readonly now: () => number;

  constructor(private readonly opts: ExecutorCredentialsOptions) {
    this.serviceAccount = opts.serviceAccount ?? EXECUTOR_SERVICE_ACCOUNT;
    this.now = opts.now ?? Date.now;
  }

  /** The ServiceAccount a namespace's admin creates and binds. */
  get name(): string {
    return this.serviceAccount;
  }

  /**
   * A client that writes as the executor of `namespace`, under `fieldManager`.
   * Throws BOSUN_ERR_NO_EXECUTOR when the namespace has no such ServiceAccount.
   */
  async clientFor(namespace: string, fieldManager: string): Promise<KubeClient> {
    const hit = this.cache.get(namespace);
    if (hit) {
      const cached = await hit.catch(() => undefined);
      if (cached && cached.expiresAt - MARGIN_MS > this.now()) return cached.client.as(fieldManager);
      if (cached) this.retire(cached);
      if (this.cache.get(namespace) === hit) this.cache.delete(namespace);
    }
    const fresh = this.issue(namespace);
    this.cache.set(namespace, fresh);
    fresh.catch(() => this.cache.delete(namespace));
    return (await fresh).client.as(fieldManager);
  }

  private async issue(namespace: string): Promise<Cached> {
    let answer: TokenRequestAnswer;
    try {
      answer = await this.opts.client.rest.request<TokenRequestAnswer>({
        verb: 'create',
        method: 'POST',
        path: `${resourcePath(core.serviceaccounts, { namespace, name: this.serviceAccount })}/token`,
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: EXECUTOR_TOKEN_SECONDS, audiences: this.opts.audiences ?? [] },
        },
      });
    } catch (err) {
      if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) {
        throw new BosunError(
          'BOSUN_ERR_NO_EXECUTOR',
          `namespace ${namespace} has no ServiceAccount ${this.serviceAccount}, which Bosun writes as there`,
        );
      }
      throw err;
    }
    const token = answer.status?.token;
    if (!token) throw new BosunError('BOSUN_ERR_KUBE_REQUEST', 'the TokenRequest answer carries no token');
    this.opts.onToken?.(token);
    const granted = Date.parse(answer.status?.expirationTimestamp ?? '');
    const asked = this.now() + EXECUTOR_TOKEN_SECONDS * 1000;
    const expiresAt = Number.isFinite(granted) ? Math.min(granted, asked) : asked;
    const rest = this.opts.client.rest.withBearerToken(token);
    return { rest, client: new KubeClient(rest, this.opts.client.fieldManager), expiresAt };
  }

  /** Closes a retired token's connections once calls still using it have had time to finish. */
  private retire(cached: Cached): void {
    setTimeout(() => cached.rest.close(), 60_000).unref();
  }

  close(): void {
    for (const p of this.cache.values()) void p.then((c) => c.rest.close()).catch(() => {});
    this.cache.clear();
  }
}

/** The two commands a namespace admin runs so Bosun can act in `namespace`. */
export function executorSetupHint(namespace: string, serviceAccount = EXECUTOR_SERVICE_ACCOUNT): string {
  return (
    `kubectl create serviceaccount ${serviceAccount} -n ${namespace} && ` +
    `kubectl create rolebinding ${serviceAccount} -n ${namespace} --clusterrole=bosun-executor ` +
    `--serviceaccount=${namespace}:${serviceAccount}`
  );
}
