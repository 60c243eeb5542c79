// A unit test of the runner's loop. The operator is a loopback HTTP server written here that
// verifies every request with RequestVerifier and serves register, claim, heartbeat and report;
// the sandbox is a fake (an in-test object keeping the Sandbox interface) whose commands end
// when the test releases them or when their AbortSignal fires. The real sandbox is tested
// beside sandbox.ts; the operator's real handlers beside theirs.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { hasCode } from '../api/errors.js';
import { createLogger } from '../telemetry/logger.js';
import {
  ClaimRequest,
  HeartbeatRequest,
  MAX_BODY_BYTES,
  NOT_REGISTERED,
  RUNNER_PATHS,
  RegisterRequest,
  Report,
  type WorkItem,
} from './protocol.js';
import { acceptRunnerRequest } from './runner-accept.js';
import { Runner, type Sandbox, type SandboxRequest, type SandboxResult } from './runner.js';
import { RequestVerifier } from './sign.js';

const KEY = randomBytes(32);
const SECRET = 'hunter2-correct-horse-battery';

function workItem(id: string, over: Partial<WorkItem> = {}): WorkItem {
  return {
    id,
    run: { namespace: 'team-a', name: 'web-1' },
    stage: 'test',
    attempt: 1,
    command: ['run', id],
    env: { API_TOKEN: SECRET },
    network: false,
    limits: { timeoutSeconds: 60, cpuSeconds: 60, memoryBytes: 64 * 1024 * 1024, maxOutputBytes: 65536 },
    deadline: new Date(Date.now() + 60_000).toISOString(),
    ...over,
  };
}

const SCHEMAS: Record<string, z.ZodType<{ runner: string }>> = {
  [RUNNER_PATHS.register]: RegisterRequest,
  [RUNNER_PATHS.claim]: ClaimRequest,
  [RUNNER_PATHS.heartbeat]: HeartbeatRequest,
  [RUNNER_PATHS.report]: Report,
};

/** The operator's side, as small as the test needs. */
class FakeOperator {
  readonly verifier = new RequestVerifier({ keyFor: (r) => (r === 'runner-0' ? KEY : undefined) });
  readonly seen: string[] = [];
  readonly refused: string[] = [];
  readonly claims: ClaimRequest[] = [];
  readonly reportAttempts: Report[] = [];
  readonly acknowledged: Report[] = [];
  readonly queue: WorkItem[] = [];
  readonly cancel = new Set<string>();
  /** requests to a path whose connection is cut before any answer (a network error) */
  cut: Partial<Record<string, number>> = {};
  /** false after forget(): as after an operator restart, it answers 409 NotRegistered until the runner registers */
  registered = false;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  finished(id: string): Report | undefined {
    return this.acknowledged.find((r) => r.id === id && r.state === 'finished');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // the body is read within the limit before it is verified, as the real handlers must
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void res.writeHead(413).end();
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const path = req.url ?? '';
    const schema = SCHEMAS[path];
    if (!schema) return void res.writeHead(404).end(JSON.stringify({ reason: 'NotFound', message: path }));
    // the operator-side checks the real handlers use: size, signature, schema, runner
    const accepted = acceptRunnerRequest(this.verifier, schema, {
      method: req.method ?? '',
      path,
      headers: req.headers,
      body,
    });
    if (!accepted.ok) {
      this.refused.push(`${path} ${accepted.body.reason}`);
      return void res.writeHead(accepted.status).end(JSON.stringify(accepted.body));
    }
    this.seen.push(path);
    const json = accepted.body;
    const cut = this.cut[path] ?? 0;
    if (cut > 0) {
      this.cut[path] = cut - 1;
      if (path === RUNNER_PATHS.report) this.reportAttempts.push(Report.parse(json));
      return void req.socket.destroy();
    }
    if (path !== RUNNER_PATHS.register && !this.registered) {
      return void res.writeHead(409).end(JSON.stringify({ reason: NOT_REGISTERED, message: 'register first' }));
    }
    const answer = (value: unknown) => res.writeHead(200).end(JSON.stringify(value));
    switch (path) {
      case RUNNER_PATHS.register:
        this.registered = true;
        return void answer({ heartbeatSeconds: 1 });
      case RUNNER_PATHS.claim: {
        const claim = ClaimRequest.parse(json);
        this.claims.push(claim);
        return void answer({ work: this.queue.splice(0, claim.free) });
      }
      case RUNNER_PATHS.heartbeat: {
        const running = HeartbeatRequest.parse(json).running;
        return void answer({ cancel: running.filter((id) => this.cancel.has(id)) });
      }
      case RUNNER_PATHS.report: {
        const report = Report.parse(json);
        this.reportAttempts.push(report);
        this.acknowledged.push(report);
        return void answer({ ok: true });
      }
    }
  }
}

/** A fake sandbox: records what it was asked, holds each command until released or aborted. */
class FakeSandbox implements Sandbox {
  readonly requests: SandboxRequest[] = [];
  readonly aborted: string[] = [];
  active = 0;
  maxActive = 0;
  private readonly waiting = new Map<string, (r: Partial<SandboxResult>) => void>();

  run(req: SandboxRequest): Promise<SandboxResult> {
    const id = req.command[1]!;
    this.requests.push(req);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const startedAt = new Date();
    return new Promise<SandboxResult>((resolve) => {
      const end = (r: Partial<SandboxResult>) => {
        this.waiting.delete(id);
        this.active--;
        resolve({ outcome: 'exited', exitCode: 0, output: '', startedAt, finishedAt: new Date(), ...r });
      };
      this.waiting.set(id, end);
      req.signal?.addEventListener('abort', () => {
        this.aborted.push(id);
        end({ outcome: 'cancelled', exitCode: null, reason: 'cancelled', output: 'partial' });
      });
    });
  }

  get running(): string[] {
    return [...this.waiting.keys()];
  }

  release(id: string, r: Partial<SandboxResult> = {}): void {
    this.waiting.get(id)?.(r);
  }
}

/** Waits for a condition (no timed assertions: the test's own timeout is the limit). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(opts: { capacity?: number; key?: Buffer } = {}) {
  const operator = new FakeOperator();
  await operator.listen();
  const sandbox = new FakeSandbox();
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  const runner = new Runner({
    url: operator.url,
    name: 'runner-0',
    key: opts.key ?? KEY,
    capacity: opts.capacity ?? 2,
    sandbox,
    log,
    pollMs: 20,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  cleanup.push(async () => {
    await runner.stop();
    await operator.close();
    // every request the runner made was signed and verified, and no log line carries a secret
    if (opts.key === undefined) expect(operator.refused).toEqual([]);
    const logged = lines.join('');
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(KEY.toString('hex'));
    expect(logged).not.toContain(KEY.toString('base64'));
  });
  return { operator, sandbox, runner, lines };
}

describe('Runner', () => {
  it('registers, then claims, runs the item and reports started then finished with the result', async () => {
    const { operator, sandbox, runner, lines } = await setup();
    operator.queue.push(workItem('a-1'));
    await runner.start();
    await until(() => sandbox.running.includes('a-1'));
    expect(operator.seen[0]).toBe(RUNNER_PATHS.register);
    expect(operator.seen[1]).toBe(RUNNER_PATHS.claim);
    expect(operator.acknowledged.map((r) => [r.id, r.state])).toEqual([['a-1', 'started']]);
    expect(sandbox.requests[0]).toMatchObject({ command: ['run', 'a-1'], env: { API_TOKEN: SECRET }, network: false });

    sandbox.release('a-1', { output: `token is ${SECRET}\nall passed`, result: '{"passed":3}' });
    await until(() => operator.finished('a-1') !== undefined);
    const finished = operator.finished('a-1')!;
    expect(finished).toMatchObject({ outcome: 'exited', exitCode: 0, result: '{"passed":3}' });
    // the env value the command echoed is masked before it leaves the runner
    expect(finished.output).toContain('all passed');
    expect(finished.output).not.toContain(SECRET);
    expect(operator.acknowledged.filter((r) => r.id === 'a-1').map((r) => r.state)).toEqual(['started', 'finished']);
    // the log says what ran and how it ended (and, checked after each test, no secret)
    expect(lines.join('')).toMatch(/"work":"a-1".*"outcome":"exited"/s);
  });

  it('runs at most capacity items at once and claims only its free slots', async () => {
    const { operator, sandbox, runner } = await setup({ capacity: 2 });
    const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
    operator.queue.push(...ids.map((id) => workItem(id)));
    await runner.start();
    await until(() => sandbox.running.length === 2);
    while (!ids.every((id) => operator.finished(id))) {
      for (const id of sandbox.running) sandbox.release(id);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sandbox.maxActive).toBe(2);
    expect(Math.max(...operator.claims.map((c) => c.free))).toBeLessThanOrEqual(2);
  });

  it('cancels the work a heartbeat names: the abort reaches the sandbox and it is reported cancelled', async () => {
    const { operator, sandbox, runner } = await setup();
    operator.queue.push(workItem('h-1'));
    await runner.start();
    await until(() => sandbox.running.includes('h-1'));
    operator.cancel.add('h-1');
    await until(() => operator.finished('h-1') !== undefined);
    expect(sandbox.aborted).toEqual(['h-1']);
    expect(operator.finished('h-1')).toMatchObject({ outcome: 'cancelled', reason: 'cancelled by the operator' });
  });

  it('retries a report cut off by a network error until it is acknowledged, once', async () => {
    const { operator, sandbox, runner } = await setup();
    operator.queue.push(workItem('r-1'));
    await runner.start();
    await until(() => sandbox.running.includes('r-1'));
    operator.cut[RUNNER_PATHS.report] = 1;
    sandbox.release('r-1', { output: 'done' });
    await until(() => operator.finished('r-1') !== undefined);
    const finishedAttempts = operator.reportAttempts.filter((r) => r.id === 'r-1' && r.state === 'finished');
    expect(finishedAttempts).toHaveLength(2);
    expect(operator.acknowledged.filter((r) => r.id === 'r-1' && r.state === 'finished')).toHaveLength(1);
    // the sandbox ran it once: a report retry does not rerun the work
    expect(sandbox.requests.filter((r) => r.command[1] === 'r-1')).toHaveLength(1);
  });

  it('does not run an item past its deadline, and reports it cancelled', async () => {
    const { operator, sandbox, runner } = await setup();
    operator.queue.push(workItem('d-1', { deadline: new Date(Date.now() - 1000).toISOString() }));
    await runner.start();
    await until(() => operator.finished('d-1') !== undefined);
    expect(operator.finished('d-1')).toMatchObject({ outcome: 'cancelled', reason: 'deadline passed', exitCode: null });
    expect(operator.acknowledged.some((r) => r.id === 'd-1' && r.state === 'started')).toBe(false);
    expect(sandbox.requests).toEqual([]);
  });

  it('stop() cancels running work and reports it cancelled before it returns', async () => {
    const { operator, sandbox, runner } = await setup();
    operator.queue.push(workItem('s-1'));
    await runner.start();
    await until(() => sandbox.running.includes('s-1'));
    await runner.stop();
    expect(sandbox.aborted).toEqual(['s-1']);
    expect(operator.finished('s-1')).toMatchObject({ outcome: 'cancelled', reason: 'the runner is stopping' });
  });

  it('registers again when the operator no longer knows it (it restarted), and goes on', async () => {
    const { operator, sandbox, runner } = await setup();
    await runner.start();
    await until(() => operator.claims.length > 0);
    operator.registered = false;
    operator.queue.push(workItem('n-1'));
    await until(() => sandbox.running.includes('n-1'));
    sandbox.release('n-1');
    await until(() => operator.finished('n-1') !== undefined);
    expect(operator.seen.filter((p) => p === RUNNER_PATHS.register)).toHaveLength(2);
  });

  it('reports a sandbox that throws as killed, masking what it said', async () => {
    const { operator, sandbox, runner } = await setup();
    sandbox.run = () => Promise.reject(new Error(`could not start with API_TOKEN=${SECRET}`));
    operator.queue.push(workItem('t-1'));
    await runner.start();
    await until(() => operator.finished('t-1') !== undefined);
    expect(operator.finished('t-1')).toMatchObject({ outcome: 'killed', exitCode: null });
    expect(JSON.stringify(operator.finished('t-1'))).not.toContain(SECRET);
  });

  it('keeps trying to register while the operator cannot be reached', async () => {
    const { operator, runner } = await setup();
    operator.cut[RUNNER_PATHS.register] = 3;
    await runner.start();
    expect(operator.seen.filter((p) => p === RUNNER_PATHS.register)).toHaveLength(4);
  });

  it('fails to start when the operator refuses the registration (a wrong key)', async () => {
    const { operator, runner } = await setup({ key: randomBytes(32) });
    let err: unknown;
    await runner.start().catch((e: unknown) => (err = e));
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
    expect(operator.refused).toEqual([`${RUNNER_PATHS.register} BadSignature`]);
  });

  it('refuses an operator URL that is plain HTTP beyond loopback', () => {
    const make = (url: string) => () =>
      new Runner({ url, name: 'runner-0', key: KEY, capacity: 1, sandbox: new FakeSandbox(), log: createLogger() });
    expect(make('http://operator.example:8443')).toThrow(/BOSUN_ERR_CONFIG/);
    expect(make('https://operator.example:8443')).not.toThrow();
  });
});
