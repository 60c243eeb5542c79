// A small HTTP client for the Kubernetes API: kubeconfig and authentication
// come from @kubernetes/client-node; requests go over one keep-alive agent so
// that every call is counted (verb, code) and watches can be streamed, resumed
// and aborted exactly as the informer needs.
import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { BosunError } from '../api/errors.js';
import { apiError, KubeApiError } from './errors.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'apply';

/** Called once per request with its verb, HTTP code (0: no answer) and duration. */
export type RequestObserver = (verb: Verb, code: number, seconds: number) => void;

export interface KubeRequest {
  verb: Verb;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** this request's User-Agent, in place of the connection's */
  userAgent?: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface KubeRestOptions {
  observe?: RequestObserver;
  /** concurrent connections to the API server (default 32) */
  maxSockets?: number;
  userAgent?: string;
}

const AUTH_TTL_MS = 30_000;

export class KubeRest {
  private readonly endpoint: { protocol: string; hostname: string; port: string | number };
  private readonly lib: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly watchAgent: http.Agent;
  private auth: { opts: https.RequestOptions; at: number } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly opts: KubeRestOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new BosunError('BOSUN_ERR_CONFIG', 'the kubeconfig has no current cluster');
    const server = new URL(cluster.server);
    const tls = server.protocol === 'https:';
    this.lib = tls ? https : http;
    this.endpoint = {
      protocol: server.protocol,
      // an IPv6 literal comes bracketed in a URL, not in request options
      hostname: server.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: server.port || (tls ? 443 : 80),
    };
    const Agent = tls ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 32 });
    this.watchAgent = new Agent({ keepAlive: false });
  }

  /** From a kubeconfig file, or $KUBECONFIG / ~/.kube/config / in-cluster when none is given. */
  static load(kubeconfigPath: string | undefined, opts?: KubeRestOptions): KubeRest {
    const kc = new KubeConfig();
    if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
    else kc.loadFromDefault();
    return new KubeRest(kc, opts);
  }

  /**
   * The same API server (address and CA), authenticated only by `token`: no
   * client certificate or other credential of this client goes along, so the
   * API server sees the token's identity and nothing else.
   */
  withBearerToken(token: string, userAgent?: string): KubeRest {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new BosunError('BOSUN_ERR_CONFIG', 'the kubeconfig has no current cluster');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'bearer', token }],
      contexts: [{ name: 'bearer', cluster: cluster.name, user: 'bearer' }],
      currentContext: 'bearer',
    });
    return new KubeRest(kc, { ...this.opts, userAgent: userAgent ?? this.opts.userAgent, maxSockets: 4 });
  }

  /** The User-Agent of every request that names none. */
  get userAgent(): string {
    return this.opts.userAgent ?? 'bosun';
  }

  get currentUser(): string | undefined {
    return this.kc.getCurrentUser()?.name;
  }

  private async requestOptions(): Promise<https.RequestOptions> {
    const now = Date.now();
    if (!this.auth || now - this.auth.at > AUTH_TTL_MS) {
      const opts: https.RequestOptions = {};
      await this.kc.applyToHTTPSOptions(opts);
      this.auth = { opts, at: now };
    }
    return this.auth.opts;
  }

  /** The request target: `path` and its query, built as text (a URL object per request costs more than it gives). */
  private target(path: string, query?: KubeRequest['query']): string {
    let target = path;
    let sep = path.includes('?') ? '&' : '?';
    for (const k in query) {
      const v = query[k];
      if (v === undefined) continue;
      target += `${sep}${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
      sep = '&';
    }
    return target;
  }

  private async send(
    req: KubeRequest,
    agent: http.Agent,
    signal?: AbortSignal,
  ): Promise<{ res: http.IncomingMessage; started: number }> {
    const base = await this.requestOptions();
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      ...(base.headers as Record<string, string> | undefined),
      Accept: 'application/json',
      'User-Agent': req.userAgent ?? this.userAgent,
    };
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const timeout = req.timeoutMs ?? 30_000;
    const options: https.RequestOptions = {
      ...base,
      ...this.endpoint,
      path: this.target(req.path, req.query),
      method: req.method,
      headers,
      agent,
      timeout,
    };
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const r = this.lib.request(options, (res) => resolve({ res, started }));
      r.on('timeout', () => r.destroy(new Error(`timed out after ${timeout} ms`)));
      // an aborted watch may still be waiting for its answer's headers
      signal?.addEventListener('abort', () => r.destroy(new Error('aborted')), { once: true });
      r.on('error', (err) => {
        this.opts.observe?.(req.verb, 0, (performance.now() - started) / 1000);
        reject(
          new KubeApiError('BOSUN_ERR_KUBE_UNAVAILABLE', 0, undefined, `${req.method} ${req.path}: ${err.message}`, {
            cause: err,
          }),
        );
      });
      // headers and body leave in one write
      r.end(body);
    });
  }

  /** One request; resolves with the parsed JSON body, throws KubeApiError on any non-2xx answer. */
  async request<T = Record<string, unknown>>(req: KubeRequest): Promise<T> {
    const text = await this.requestText(req);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** One request whose answer is kept as text (pod logs; JSON for request()). */
  async requestText(req: KubeRequest): Promise<string> {
    const { res, started } = await this.send(req, this.agent);
    const text = await readBody(res);
    const code = res.statusCode ?? 0;
    this.opts.observe?.(req.verb, code, (performance.now() - started) / 1000);
    if (code < 200 || code > 299) throw apiError(code, text, `${req.method} ${req.path}`);
    return text;
  }

  /**
   * Streams a watch. Resolves when the server ends the stream or `signal`
   * aborts it; rejects with KubeApiError on an error answer or an ERROR event
   * (410 Gone among them).
   */
  async watch(
    path: string,
    query: KubeRequest['query'],
    onEvent: (ev: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return;
    const { res, started } = await this.send(
      { verb: 'watch', method: 'GET', path, query: { ...query, watch: true }, timeoutMs: 0 },
      this.watchAgent,
      signal,
    );
    const code = res.statusCode ?? 0;
    this.opts.observe?.('watch', code, (performance.now() - started) / 1000);
    if (code !== 200) throw apiError(code, await readBody(res), `watch ${path}`);
    return new Promise((resolve, reject) => {
      let buffer = '';
      let failed = false;
      const abort = () => {
        res.destroy();
        resolve();
      };
      signal.addEventListener('abort', abort, { once: true });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (failed) return;
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as WatchEvent;
          if (ev.type === 'ERROR') {
            failed = true;
            const status = ev.object as { code?: number };
            res.destroy();
            signal.removeEventListener('abort', abort);
            reject(apiError(status.code ?? 500, JSON.stringify(ev.object), `watch ${path}`));
            return;
          }
          try {
            onEvent(ev);
          } catch (err) {
            failed = true;
            res.destroy();
            reject(err);
            return;
          }
        }
      });
      res.on('end', () => {
        signal.removeEventListener('abort', abort);
        if (!failed) resolve();
      });
      res.on('error', (err) => {
        signal.removeEventListener('abort', abort);
        if (signal.aborted) resolve();
        else if (!failed)
          reject(
            new KubeApiError('BOSUN_ERR_KUBE_UNAVAILABLE', 0, undefined, `watch ${path}: ${err.message}`, {
              cause: err,
            }),
          );
      });
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}
