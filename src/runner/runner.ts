// The runner's loop (`bosun runner`): register with the operator, then heartbeat and claim
// stage work, run each item in the sandbox (at most `capacity` at once; its source cloned into
// its workspace first, its stage agent's reports parsed after), and report it started and
// finished. The operator is reached only through signed requests (sign.ts); when it cannot
// be reached the runner backs off and tries again, and a report is resent until the operator
// acknowledges it (it takes reports idempotently by id and state) or refuses it with a 4xx.
// An item past its deadline is never started. Logs carry ids, stages and outcomes: never the
// key, the command or the env values (the env may hold credentials).
import { tmpdir } from 'node:os';
import { BosunError, errorMessage } from '../api/errors.js';
import type { Logger } from '../telemetry/logger.js';
import {
  ClaimResponse,
  HeartbeatResponse,
  MAX_CAPACITY,
  NOT_REGISTERED,
  RUNNER_PATHS,
  RegisterResponse,
  ReportResponse,
  RunnerName,
  type Report,
  type WorkItem,
} from './protocol.js';
import { createCall, type Call } from './runner-call.js';
import { createPost, operatorUrl } from './runner-http.js';
import { finishedReport, maskerFor, notRunReport } from './runner-report.js';
import type { Sandbox, SandboxResult } from './runner-sandbox.js';
import { DEFAULT_BACKOFF, backoffMs, sleep, type Backoff } from './runner-wait.js';
import { MIN_KEY_BYTES } from './sign.js';
import { removeTree } from './sandbox-files.js';
import { agentResult, type AgentsLookup } from './stage-report.js';
import { makeWorkspace, runGit, type Git } from './workspace.js';

export type { Sandbox, SandboxRequest, SandboxResult } from './runner-sandbox.js';

/** The wait before a heartbeat again after one that failed. */
export const RETRY_HEARTBEAT_MS = 1000;
/** The longest wait between two claims while the operator cannot be reached: it may be back any second. */
export const MAX_CLAIM_RETRY_MS = 5000;

export interface RunnerOptions {
  /** the operator's base URL: https:// (http:// to loopback only) */
  url: string;
  /** this runner's name, a DNS label; the operator holds its key under this name */
  name: string;
  /** the HMAC key shared with the operator (at least 32 bytes) */
  key: Buffer;
  /** work items run at once (1..64) */
  capacity: number;
  sandbox: Sandbox;
  /** used as given instead of node:https (it cannot take `ca`) */
  fetch?: typeof fetch;
  log: Logger;
  now?: () => number;
  /** the wait before claiming again after the operator had nothing (default 2 s) */
  pollMs?: number;
  /** PEM of the CA that signed the operator's serving certificate */
  ca?: string;
  /** sent at registration (default "unknown") */
  version?: string;
  /** the waits between attempts at a request the operator did not answer */
  backoff?: Backoff;
  /** how long stop() waits for cancelled work to be reported before it gives up (default 10 s) */
  stopGraceMs?: number;
  requestTimeoutMs?: number;
  /** where workspaces of items with a source or an agent are made (default: the temp directory) */
  workspaceDir?: string;
  /** runs git for the clones (default: git on PATH) */
  git?: Git;
  /** the stage agents whose reports the runner parses (src/stages) */
  agents?: AgentsLookup;
}

interface Job {
  item: WorkItem;
  abort: AbortController;
  /** why the runner cancelled it, when it did */
  cancelled?: string;
}

export class Runner {
  private readonly call: Call;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  /** polling, heartbeats and registration: aborted by stop() */
  private readonly loops = new AbortController();
  /** report retries: aborted when stop()'s grace runs out */
  private readonly reports = new AbortController();
  private readonly running = new Map<string, Job>();
  private readonly executions = new Set<Promise<void>>();
  private heartbeatMs = 10_000;
  private loopsDone: Promise<unknown> = Promise.resolve();
  private registering: Promise<boolean> | undefined;
  private wakeClaim: (() => void) | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: RunnerOptions) {
    if (!RunnerName.safeParse(opts.name).success) {
      throw new BosunError('BOSUN_ERR_CONFIG', 'the runner name must be a lowercase DNS-1123 label');
    }
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1 || opts.capacity > MAX_CAPACITY) {
      throw new BosunError('BOSUN_ERR_CONFIG', `the runner capacity must be an integer from 1 to ${MAX_CAPACITY}`);
    }
    if (opts.key.length < MIN_KEY_BYTES) {
      throw new BosunError('BOSUN_ERR_CONFIG', `the runner key must be at least ${MIN_KEY_BYTES} bytes`);
    }
    this.now = opts.now ?? Date.now;
    const post = createPost({
      url: opts.url,
      ...(opts.ca !== undefined && { ca: opts.ca }),
      ...(opts.fetch && { fetch: opts.fetch }),
      ...(opts.requestTimeoutMs !== undefined && { timeoutMs: opts.requestTimeoutMs }),
    });
    this.call = createCall({ post, base: operatorUrl(opts.url), key: opts.key, runner: opts.name, now: this.now });
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /**
   * Registers (retrying while the operator cannot be reached), then starts the heartbeat and
   * claim loops and returns. Rejects when the operator refuses the registration (a wrong key, a
   * name it does not know): retrying cannot fix that. Returns early if stop() is called first.
   */
  async start(): Promise<void> {
    if (this.started) throw new BosunError('BOSUN_ERR_CONFIG', 'the runner was started already');
    this.started = true;
    if (!(await this.register())) return;
    this.loopsDone = Promise.all([this.claimLoop(), this.heartbeatLoop()]);
  }

  /** Stops claiming, cancels running work and waits (up to stopGraceMs) for it to be reported cancelled. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private get stopped(): boolean {
    return this.stopping !== undefined;
  }

  private async shutdown(): Promise<void> {
    this.loops.abort();
    this.wakeClaim?.();
    for (const job of this.running.values()) this.cancel(job, 'the runner is stopping');
    await this.loopsDone;
    await this.registering?.catch(() => undefined);
    const grace = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.executions]),
      sleep(this.opts.stopGraceMs ?? 10_000, grace.signal),
    ]);
    grace.abort();
    if (this.executions.size > 0)
      this.opts.log.warn({ unreported: this.executions.size }, 'stopping before every report was acknowledged');
    this.reports.abort();
    await Promise.allSettled([...this.executions]);
    this.opts.log.info('runner stopped');
  }

  /** true once registered; false when stop() came first. */
  private register(): Promise<boolean> {
    this.registering ??= (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        const body = {
          runner: this.opts.name,
          capacity: this.opts.capacity,
          version: this.opts.version ?? 'unknown',
          running: [...this.running.keys()],
        };
        const r = await this.call(RUNNER_PATHS.register, body, RegisterResponse, this.loops.signal);
        if (r.kind === 'ok') {
          this.heartbeatMs = r.value.heartbeatSeconds * 1000;
          this.opts.log.info({ runner: this.opts.name, capacity: this.opts.capacity }, 'registered with the operator');
          return true;
        }
        if (r.kind === 'refused') {
          throw new BosunError(
            'BOSUN_ERR_CONFIG',
            `the operator refused to register runner ${this.opts.name}: ${r.reason}: ${r.message}`,
          );
        }
        if (this.stopped) break;
        this.opts.log.warn({ attempt, error: r.message }, 'the operator cannot be reached to register; retrying');
        await sleep(backoffMs(this.backoff, attempt), this.loops.signal);
      }
      return false;
    })().finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  /**
   * Registers again after the operator said it does not know this runner (it restarted, say).
   * A refusal now is logged, not thrown: the loops keep going and try again later.
   */
  private async registerAgain(): Promise<boolean> {
    try {
      return await this.register();
    } catch (err) {
      this.opts.log.error({ error: errorMessage(err) }, 'registering again failed');
      return false;
    }
  }

  private async claimLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const free = this.opts.capacity - this.running.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wakeClaim = resolve));
        continue;
      }
      const r = await this.call(RUNNER_PATHS.claim, { runner: this.opts.name, free }, ClaimResponse, this.loops.signal);
      if (r.kind === 'ok') {
        failures = 0;
        // the operator must send at most `free`; what is beyond it is handed back unrun
        r.value.work.forEach((item, i) => this.launch(item, i < free ? undefined : 'the runner had no free slot'));
        if (r.value.work.length === 0) await sleep(this.opts.pollMs ?? 2000, this.loops.signal);
      } else if (r.kind === 'refused' && r.reason === NOT_REGISTERED) {
        if (!(await this.registerAgain())) await sleep(backoffMs(this.backoff, failures++), this.loops.signal);
      } else if (!this.stopped) {
        this.opts.log.warn(
          { reason: r.kind === 'refused' ? r.reason : undefined, error: r.message },
          'claim failed; retrying',
        );
        await sleep(Math.min(MAX_CLAIM_RETRY_MS, backoffMs(this.backoff, failures++)), this.loops.signal);
      }
    }
  }

  private async heartbeatLoop(): Promise<void> {
    let failed = false;
    while (!this.stopped) {
      // after a heartbeat that did not get through, the next goes soon: the operator counts a silent runner gone
      await sleep(failed ? Math.min(this.heartbeatMs, RETRY_HEARTBEAT_MS) : this.heartbeatMs, this.loops.signal);
      failed = false;
      if (this.stopped) return;
      const body = { runner: this.opts.name, running: [...this.running.keys()] };
      const r = await this.call(RUNNER_PATHS.heartbeat, body, HeartbeatResponse, this.loops.signal);
      if (r.kind === 'ok') {
        for (const id of r.value.cancel) {
          const job = this.running.get(id);
          if (job) this.cancel(job, 'cancelled by the operator');
        }
      } else if (r.kind === 'refused' && r.reason === NOT_REGISTERED) {
        await this.registerAgain();
      } else if (!this.stopped) {
        failed = true;
        this.opts.log.warn(
          { reason: r.kind === 'refused' ? r.reason : undefined, error: r.message },
          'heartbeat failed',
        );
      }
    }
  }

  private cancel(job: Job, why: string): void {
    if (job.abort.signal.aborted) return;
    job.cancelled = why;
    this.opts.log.info({ work: job.item.id, stage: job.item.stage, why }, 'cancelling work');
    job.abort.abort(new Error(why));
  }

  private launch(item: WorkItem, refuse?: string): void {
    const log = this.opts.log.child({ work: item.id, stage: item.stage, attempt: item.attempt });
    if (this.running.has(item.id)) {
      log.warn('the operator handed out work this runner already runs; ignored');
      return;
    }
    const job: Job = { item, abort: new AbortController() };
    if (refuse !== undefined || this.stopped) this.cancel(job, refuse ?? 'the runner is stopping');
    this.running.set(item.id, job);
    const execution: Promise<void> = this.execute(job, log)
      .catch((err: unknown) => log.error({ error: errorMessage(err) }, 'running work failed'))
      .finally(() => {
        this.running.delete(item.id);
        this.executions.delete(execution);
        this.wakeClaim?.();
      });
    this.executions.add(execution);
  }

  private async execute(job: Job, log: Logger): Promise<void> {
    const { item } = job;
    const deadline = Date.parse(item.deadline);
    const notRun = async (reason: string) => {
      log.info({ outcome: 'cancelled', reason }, 'work not run');
      await this.report(notRunReport(this.opts.name, item, new Date(this.now()), reason), log);
    };
    if (this.now() > deadline) return notRun('deadline passed');
    if (job.cancelled !== undefined) return notRun(job.cancelled);
    const started = {
      runner: this.opts.name,
      id: item.id,
      state: 'started' as const,
      startedAt: new Date(this.now()).toISOString(),
    };
    if (!(await this.report(started, log))) return; // refused: the operator does not want it run
    // the start may have taken a while to be acknowledged
    if (this.now() > deadline) return notRun('deadline passed');
    if (job.cancelled !== undefined) return notRun(job.cancelled);

    log.info({ run: `${item.run.namespace}/${item.run.name}` }, 'work started');
    const masker = maskerFor(item);
    let result: SandboxResult;
    let workspace: string | undefined;
    try {
      // a source to clone or reports to read: the runner makes the workspace (else the sandbox makes its own)
      if (item.source || item.agent)
        workspace = await makeWorkspace(this.opts.workspaceDir ?? tmpdir(), item, this.opts.git ?? runGit());
      result = await this.opts.sandbox.run({
        command: item.command,
        env: item.env,
        network: item.network,
        limits: item.limits,
        signal: job.abort.signal,
        ...(workspace !== undefined && { workspace }),
      });
      if (workspace !== undefined && item.agent && result.outcome === 'exited') {
        const found = await agentResult(workspace, item.agent, this.opts.agents?.(item.agent));
        const reason = [result.reason, found.problem].filter((r) => r !== undefined).join('; ');
        result = { ...result, ...(found.result !== undefined && { result: found.result }), ...(reason && { reason }) };
      }
    } catch (err) {
      const at = new Date(this.now());
      const why = err instanceof BosunError ? err.message.replace(/^BOSUN_ERR_\w+: /, '') : 'an unexpected error';
      const reason = `the sandbox could not run the command: ${why}`;
      // masked: a failure to start may quote the command, and through it the env
      log.error({ error: masker.redact(errorMessage(err)).text }, 'the sandbox failed');
      result = { outcome: 'killed', exitCode: null, reason, output: '', startedAt: at, finishedAt: at };
    }
    if (workspace !== undefined) await removeTree(workspace);
    if (result.outcome === 'cancelled' && job.cancelled !== undefined) result = { ...result, reason: job.cancelled };
    log.info({ outcome: result.outcome, exitCode: result.exitCode }, 'work finished');
    await this.report(finishedReport(this.opts.name, item, result, masker), log);
  }

  /** Sends a report until it is acknowledged (true), refused (false, logged) or stop() gives up (false). */
  private async report(report: Report, log: Logger): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.call(RUNNER_PATHS.report, report, ReportResponse, this.reports.signal);
      if (r.kind === 'ok') return true;
      if (r.kind === 'refused' && r.reason === NOT_REGISTERED && !this.stopped) {
        if (!(await this.registerAgain())) await sleep(backoffMs(this.backoff, attempt), this.reports.signal);
        continue;
      }
      if (r.kind === 'refused') {
        log.warn(
          { state: report.state, status: r.status, reason: r.reason, message: r.message },
          'the operator refused the report; dropped',
        );
        return false;
      }
      if (this.reports.signal.aborted) {
        log.error({ state: report.state }, 'gave up reporting: the runner stopped');
        return false;
      }
      log.warn({ state: report.state, attempt, error: r.message }, 'report not acknowledged; retrying');
      await sleep(backoffMs(this.backoff, attempt), this.reports.signal);
    }
  }
}
