// Runs the real operator (`bosun run`) as a child process against the test
// control plane, as the operator's own identity, and reads its metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../hack/control-plane/wait.js';
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { repoRoot } from './paths.js';

export interface OperatorOptions {
  cp: ControlPlaneInfo;
  identity: string;
  /** watch only this namespace (each test file uses its own) */
  namespace?: string;
  /** Bosun's etcd (default: the control plane's) */
  etcdUrl?: string;
  leaseName?: string;
  args?: string[];
  /** wait until this replica holds the lease (default: true when leader election is on) */
  waitForLeader?: boolean;
  env?: Record<string, string>;
  /** node's own options, after the `--import tsx` that loads the operator (so a preload may be TypeScript) */
  nodeArgs?: string[];
}

export interface RunningOperator {
  identity: string;
  proc: ChildProcess;
  logPath: string;
  healthUrl: string;
  exited: Promise<number | null>;
  log(lines?: number): string;
  metrics(): Promise<string>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM and wait for exit */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit */
  kill(): Promise<number | null>;
}

/** Every operator started by this worker, for log reports and clean-up. */
export const running = new Set<RunningOperator>();

/** What the operator logs once its health server listens, with the address it bound. */
const LISTENING = 'serving /healthz, /readyz and /metrics';

/** The health server's URL, from the operator's JSON log: undefined until it has bound its port. */
export function healthUrlIn(log: string): string | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes(LISTENING)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; addr?: { host?: string; port?: number } };
      if (entry.msg === LISTENING && entry.addr?.port)
        return `http://${entry.addr.host ?? '127.0.0.1'}:${entry.addr.port}`;
    } catch {
      // a line that is not JSON is not the one
    }
  }
  return undefined;
}

export async function startOperator(o: OperatorOptions): Promise<RunningOperator> {
  const logPath = join(mkdtempSync(join(tmpdir(), 'bosun-operator-')), `${o.identity}.log`);
  const out = openSync(logPath, 'a');
  const args = [
    '--import',
    'tsx',
    ...(o.nodeArgs ?? []),
    join(repoRoot, 'src/cli/bosun.ts'),
    'run',
    '--kubeconfig',
    o.cp.kubeconfigs.operator,
    '--etcd-endpoints',
    o.etcdUrl ?? o.cp.bosunEtcdUrl,
    // port 0: the operator binds a free port itself and logs it, so that no other process can take it between a
    // port being picked here and bound there
    '--health-addr',
    '127.0.0.1:0',
    '--identity',
    o.identity,
    '--lease-name',
    o.leaseName ?? `bosun-${o.namespace ?? 'all'}`,
    '--log-level',
    'debug',
    // the tests' model servers listen on loopback
    '--model-endpoints',
    'http://127.0.0.1',
    ...(o.namespace ? ['--namespace', o.namespace] : []),
    ...(o.args ?? []),
  ];
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...o.env },
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const op: RunningOperator = {
    identity: o.identity,
    proc,
    logPath,
    healthUrl: '',
    exited,
    log: (lines = 80) => readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
    metrics: async () => (await fetch(`${op.healthUrl}/metrics`)).text(),
    metric: async (name, labels = {}) => sumMetric(await op.metrics(), name, labels),
    stop: async () => {
      proc.kill('SIGTERM');
      const code = await exited;
      running.delete(op);
      return code;
    },
    kill: async () => {
      proc.kill('SIGKILL');
      const code = await exited;
      running.delete(op);
      return code;
    },
  };
  running.add(op);
  // an operator that exits while we wait fails the wait at once
  const died = exited.then((code) => {
    throw new Error(`operator ${o.identity} exited (${code}) before it was ready:\n${op.log()}`);
  });
  died.catch(() => {});
  await Promise.race([
    until(
      `operator ${o.identity} health server`,
      async () => {
        op.healthUrl = healthUrlIn(readFileSync(logPath, 'utf8')) ?? '';
        return op.healthUrl !== '';
      },
      60_000,
      () => op.log(),
    ),
    died,
  ]);
  await Promise.race([
    until(
      `operator ${o.identity} /readyz`,
      async () => (await fetch(`${op.healthUrl}/readyz`)).ok,
      60_000,
      () => op.log(),
    ),
    died,
  ]);
  const electing = !(o.args ?? []).includes('--leader-elect=false');
  if (o.waitForLeader ?? electing) {
    await Promise.race([
      until(
        `operator ${o.identity} to lead`,
        async () => (await op.metric('bosun_leader')) === 1,
        60_000,
        () => op.log(),
      ),
      died,
    ]);
  }
  return op;
}

/** Sums the samples of a metric whose labels include `labels`. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((op) => op.kill()));
}
