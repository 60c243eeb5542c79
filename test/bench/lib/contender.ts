// A reconciler process under benchmark (Bosun's runtime or controller-runtime),
// and what we read off it: its write count, its memory, its metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sumMetric } from '../../support/operator.js';

export interface ContenderSpec {
  name: string;
  command: string;
  args: (namespace: string, port: number) => string[];
  /** successful status patches so far, from the process's own metrics */
  patches(metrics: string): number;
  /** non-watch API requests so far */
  requests(metrics: string): number;
  reconciles(metrics: string): number;
  /** heap in use, in bytes, from the process's own metrics */
  heapBytes(metrics: string): number;
  /** p99 event-loop delay since the previous scrape, in ms, where the runtime has an event loop */
  eventLoopP99Ms?(metrics: string): number;
  /** the longest event-loop delay and garbage-collection pause since the previous scrape, in ms */
  pausesMs?(metrics: string): { eventLoopMax: number; gcMax: number };
}

export interface Contender {
  proc: ChildProcess;
  port: number;
  metrics(): Promise<string>;
  rssKb(): number;
  /** CPU time the process has used (user and system), in ms, 10 ms resolution */
  cpuMs(): number;
  /** asks for a full garbage collection (SIGUSR2; both contenders run one on it) */
  gc(): void;
  stop(): Promise<void>;
}

/** USER_HZ: the unit of /proc's CPU times; 100 on every Linux architecture Node runs on */
const CLOCK_TICKS_PER_SECOND = 100;

export function startContender(
  spec: ContenderSpec,
  namespace: string,
  port: number,
  log: (line: string) => void,
): Contender {
  const proc = spawn(spec.command, spec.args(namespace, port), { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    tail.push(b.toString());
    if (tail.length > 50) tail.shift();
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.once('exit', (code) => code && log(`${spec.name} exited with ${code}: ${tail.join('').slice(-2000)}`));
  return {
    proc,
    port,
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? NaN),
    cpuMs: () => {
      // /proc/PID/stat: the fields after the command's closing parenthesis; utime and stime are the 12th and 13th
      const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    gc: () => proc.kill('SIGUSR2'),
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

export const bosunSpec = (kubeconfig: string, resyncSeconds = 0, workers = 16): ContenderSpec => ({
  name: 'bosun',
  command: process.execPath,
  // a full collection only when the bench asks for one (lib/gc-on-signal.ts), before it reads memory
  args: (ns, port) => [
    '--expose-gc',
    '--import',
    'tsx',
    '--import',
    new URL('./gc-on-signal.ts', import.meta.url).pathname,
    new URL('../minimal-operator.ts', import.meta.url).pathname,
    kubeconfig,
    ns,
    String(port),
    String(workers),
    String(resyncSeconds),
  ],
  patches: (m) => sumMetric(m, 'bosun_kube_requests_total', { verb: 'patch', code: '200' }),
  requests: (m) =>
    ['get', 'list', 'create', 'update', 'patch', 'delete', 'apply'].reduce(
      (s, verb) => s + sumMetric(m, 'bosun_kube_requests_total', { verb }),
      0,
    ),
  reconciles: (m) => sumMetric(m, 'bosun_reconcile_total'),
  heapBytes: (m) => sumMetric(m, 'nodejs_heap_size_used_bytes'),
  eventLoopP99Ms: (m) => sumMetric(m, 'bench_event_loop_delay_p99_seconds') * 1000,
  pausesMs: (m) => ({
    eventLoopMax: sumMetric(m, 'bench_event_loop_delay_max_seconds') * 1000,
    gcMax: sumMetric(m, 'bench_gc_pause_max_seconds') * 1000,
  }),
});

export const controllerRuntimeSpec = (binary: string, kubeconfig: string, workers = 16): ContenderSpec => ({
  name: 'controller-runtime',
  command: binary,
  args: (ns, port) => [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    ns,
    '--workers',
    String(workers),
    '--metrics-addr',
    `127.0.0.1:${port}`,
  ],
  patches: (m) => sumMetric(m, 'rest_client_requests_total', { method: 'PATCH', code: '200' }),
  requests: (m) =>
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].reduce(
      (s, method) => s + sumMetric(m, 'rest_client_requests_total', { method }),
      0,
    ),
  reconciles: (m) => sumMetric(m, 'controller_runtime_reconcile_total'),
  heapBytes: (m) => sumMetric(m, 'go_memstats_heap_alloc_bytes'),
});
