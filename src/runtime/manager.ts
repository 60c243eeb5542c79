// The manager runs an operator instance: informers (always, so a standby has a
// warm cache), controllers (only while this replica leads), the health and
// metrics endpoint, and a graceful shutdown: stop taking work, finish in-flight
// reconciles within a bound, release the lease so a standby takes over at once.
import http from 'node:http';
import { BosunError, errorMessage } from '../api/errors.js';
import type { KubeClient } from '../kube/client.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Controller } from './controller.js';
import type { Informer } from './informer.js';
import { LeaderElector, type LeaderElectionOptions } from './leader.js';

export interface ManagerOptions {
  log: Logger;
  metrics: Metrics;
  /** host:port for /healthz, /readyz and /metrics; port 0 picks a free one */
  healthAddr?: string;
  leaderElection?: Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'log'>;
  /** how long shutdown waits for in-flight reconciles */
  shutdownTimeoutMs?: number;
  /** called when leadership is lost (not released); default: exit so the process restarts clean */
  onLostLeadership?: () => void;
}

export class Manager {
  private readonly informers: Informer[] = [];
  private readonly controllers: Controller[] = [];
  private readonly stoppers: (() => Promise<void>)[] = [];
  private readonly takeovers: (() => Promise<void>)[] = [];
  private readonly readiness: { missing: string; ok: () => boolean }[] = [];
  private elector: LeaderElector | undefined;
  private server: http.Server | undefined;
  private controllersRunning = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: ManagerOptions) {}

  addInformer(informer: Informer): void {
    this.informers.push(informer as Informer);
  }

  addController(controller: Controller): void {
    this.controllers.push(controller);
  }

  /** Runs at takeover, before any controller starts (claiming a fencing epoch); if it fails, no controller starts. */
  onTakeover(fn: () => Promise<void>): void {
    this.takeovers.push(fn);
  }

  private async takeOver(): Promise<void> {
    for (const fn of this.takeovers) await fn();
  }

  /** Extra clean-up at shutdown (store clients and the like), run last. */
  onStop(fn: () => Promise<void>): void {
    this.stoppers.push(fn);
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.controllersRunning;
  }

  /** Another condition of /readyz besides synced caches; `missing` says what is missing while `ok` is false. */
  addReadinessCheck(missing: string, ok: () => boolean): void {
    this.readiness.push({ missing, ok });
  }

  /** What keeps this replica from being ready; empty when it is. */
  notReady(): string[] {
    return [
      ...(this.informers.every((i) => i.hasSynced) ? [] : ['caches not synced']),
      ...this.readiness.filter((c) => !c.ok()).map((c) => c.missing),
    ];
  }

  get ready(): boolean {
    return this.notReady().length === 0;
  }

  /** The bound address of the health server. */
  address(): { host: string; port: number } | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : undefined;
  }

  async start(): Promise<void> {
    await this.listen();
    for (const i of this.informers) i.start();
    await Promise.all(this.informers.map((i) => i.waitForSync()));
    this.opts.log.info({ informers: this.informers.length }, 'caches synced');
    if (!this.opts.leaderElection) {
      // the only replica leads from the moment its caches are synced (when /readyz turns ready): an alert on no
      // leader must not fire
      this.opts.metrics.leader.set(1);
      await this.takeOver();
      this.startControllers();
      return;
    }
    this.elector = new LeaderElector({
      ...this.opts.leaderElection,
      log: this.opts.log.child({ component: 'leader-election' }),
      onStartedLeading: () => {
        this.opts.metrics.leader.set(1);
        this.takeOver().then(
          () => this.startControllers(),
          (err: unknown) => this.giveUp(`could not take over as leader: ${errorMessage(err)}`),
        );
      },
      onStoppedLeading: () => this.lost(),
    });
    this.elector.start();
  }

  /**
   * `client` as a controller writes with it: its own field manager, and every write asks, right
   * before it is sent, whether this replica still leads (BOSUN_ERR_NOT_LEADER when not).
   */
  leaderClient(client: KubeClient, fieldManager: string): KubeClient {
    return client.as(fieldManager).withWriteGuard(() => {
      if (!this.isLeader) throw new BosunError('BOSUN_ERR_NOT_LEADER', 'not the leader any more: write not sent');
    });
  }

  /** Something showed that another replica leads now (a fenced write): stop acting as on a lost lease. */
  giveUp(why: string): void {
    this.opts.log.error({ why }, 'giving up leadership');
    this.lost();
  }

  private lost(): void {
    this.opts.metrics.leader.set(0);
    for (const c of this.controllers) void c.stop(0);
    (this.opts.onLostLeadership ?? (() => process.exit(1)))();
  }

  private startControllers(): void {
    if (this.controllersRunning) return;
    this.controllersRunning = true;
    // keys queued while this replica waited for the lease are reconciled now
    for (const c of this.controllers) c.start();
    this.opts.log.info({ controllers: this.controllers.map((c) => c.name) }, 'controllers started');
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { log } = this.opts;
    log.info('shutting down: no new work; finishing in-flight reconciles');
    const left = await Promise.all(this.controllers.map((c) => c.stop(this.opts.shutdownTimeoutMs ?? 10_000)));
    const unfinished = left.reduce((a, b) => a + b, 0);
    if (unfinished)
      log.warn(
        { unfinished },
        'in-flight reconciles did not finish in time; they resume from the journal on the next leader',
      );
    await this.elector?.stop();
    this.opts.metrics.leader.set(0);
    await Promise.all(this.informers.map((i) => i.stop()));
    for (const fn of this.stoppers) {
      try {
        await fn();
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'clean-up step failed during shutdown');
      }
    }
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    log.info('stopped');
  }

  private listen(): Promise<void> {
    const [host, port] = splitAddr(this.opts.healthAddr ?? '127.0.0.1:8080');
    const server = http.createServer((req, res) => void this.serve(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.opts.log.info({ addr: this.address() }, 'serving /healthz, /readyz and /metrics');
        resolve();
      });
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    if (path === '/readyz') {
      const missing = this.notReady();
      const ok = missing.length === 0;
      return void res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok' : missing.join('; '));
    }
    if (path === '/metrics') {
      try {
        const body = await this.opts.metrics.registry.metrics();
        return void res.writeHead(200, { 'Content-Type': this.opts.metrics.registry.contentType }).end(body);
      } catch (err) {
        return void res.writeHead(500).end(errorMessage(err));
      }
    }
    res.writeHead(404).end('not found');
  }
}

function splitAddr(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i) || '127.0.0.1', Number(addr.slice(i + 1))];
}
