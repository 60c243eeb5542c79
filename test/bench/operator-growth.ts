// The operator's memory and cold start as the Goals it caches grow: the steady
// state of a cluster that has used Bosun a while, N Goals that already exist
// and are finished, over which the real operator (`bosun run`,
// test/support/operator.ts) starts and has nothing to do but cache and check
// each one.
//
// One namespace, `growth-bench`, grows through the sizes (1,000 → 10,000 →
// 50,000 by default): at each, the bench adds the Goals the size lacks, as
// Bosun would have left them (lib/growth-goals.ts): the finalizer, a status
// Succeeded with its two-step scale plan, and Bosun's record of that status
// in its etcd (the snapshot a reconcile reads and compares: a status without
// it would be restored, i.e. rewritten). That snapshot is the one per-Goal
// record the operator reads at start; the journal and the action log are
// not read for a finished Goal, so they are not written here (they would grow
// etcd, not the operator). The Goals are created as the admin, with a
// requester in the spec as the webhook would have stamped it (no webhook is
// registered for this namespace), 64 at a time. Then an operator is started
// on the namespace, with node's --expose-gc and lib/gc-on-signal.ts preloaded,
// and measured:
//   ready          process spawn → /readyz answers ok
//   checked        process spawn → bosun_reconcile_total has counted at least
//                  one reconcile per Goal and bosun_workqueue_depth is 0
//                  (polled every 100 ms from its /metrics)
//   heap, RSS      once checked and 2 s later, SIGUSR2 (a full gc), 1 s, then
//                  nodejs_heap_size_used_bytes and process_resident_memory_bytes
//                  from its /metrics
// and stopped. The same measures with no Goal at all, taken first, are the
// baseline each size's heap and RSS are shown above (per Goal, in KB). Then a
// least-squares line through the sizes, for heap, RSS and both times,
// extrapolated to `projectTo` (200,000): a linear extrapolation, no more.
// Also printed: the API server's RSS and the cluster etcd's database size at
// the end (what 50,000 Goals cost the control plane). Nothing is asserted.
// The namespace is left as it is: its Goals carry Bosun's finalizer, which
// only a running operator removes, so a full bench runs this phase last.
// Making the Goals is the slow part on a small machine (three requests each,
// the API server's admission of a CRD object with CEL rules): on two shared
// cores it went at 20 to 40 Goals/s, so 50,000 take half an hour or more;
// BOSUN_BENCH_GROWTH_SIZES makes the sizes smaller.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { until } from '../../hack/control-plane/wait.js';
import type { KubeClient } from '../../src/kube/client.js';
import { startOperator, sumMetric, type RunningOperator } from '../support/operator.js';
import { createNamespace } from './lib/goals.js';
import { addFinishedGoals } from './lib/growth-goals.js';
import { growthRowLine, type GrowthFigures, type GrowthRow } from './lib/growth-report.js';
import { sleep } from '../../src/runtime/backoff.js';

export interface GrowthOptions {
  /** Goals the operator starts over, ascending */
  sizes: number[];
  projectTo: number;
}

const NAMESPACE = 'growth-bench';
const GC_PRELOAD = fileURLToPath(new URL('./lib/gc-on-signal.ts', import.meta.url));

/** One start of the operator over the namespace as it is; `goals` is what it holds. */
async function measure(cp: ControlPlaneInfo, goals: number, createMs: number): Promise<GrowthRow> {
  const started = performance.now();
  let op: RunningOperator | undefined;
  try {
    op = await startOperator({
      cp,
      identity: `bench-growth-${goals}`,
      namespace: NAMESPACE,
      nodeArgs: ['--expose-gc', '--import', GC_PRELOAD],
      args: ['--leader-elect=false'],
    });
    const readyMs = performance.now() - started;
    const running = op;
    let reconciles = 0;
    await until(
      `every one of ${goals} Goals checked`,
      async () => {
        const m = await running.metrics();
        reconciles = sumMetric(m, 'bosun_reconcile_total', { controller: 'goal' });
        return reconciles >= goals && sumMetric(m, 'bosun_workqueue_depth') === 0;
      },
      900_000,
      () => running.log(20),
    );
    const checkedMs = performance.now() - started;
    await sleep(2000);
    op.proc.kill('SIGUSR2');
    await sleep(1000);
    const m = await op.metrics();
    return {
      goals,
      readyMs,
      checkedMs,
      heapBytes: sumMetric(m, 'nodejs_heap_size_used_bytes'),
      rssBytes: sumMetric(m, 'process_resident_memory_bytes'),
      reconciles,
      createMs,
    };
  } finally {
    await op?.stop();
  }
}

/** The API server's resident set, found by its audit log path (this control plane's own). */
function apiserverRss(cp: ControlPlaneInfo): number | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(join('/proc', pid, 'cmdline'), 'utf8');
      // the binary itself, not a supervisor whose command line names it
      if (!cmd.split('\0')[0]?.endsWith('kube-apiserver') || !cmd.includes(cp.auditLog)) continue;
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(join('/proc', pid, 'status'), 'utf8'))?.[1];
      return kb ? Number(kb) * 1024 : undefined;
    } catch {
      // a process that ended meanwhile
    }
  }
  return undefined;
}

async function etcdDbBytes(url: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text().catch(() => '');
  const v = sumMetric(text, 'etcd_mvcc_db_total_size_in_bytes');
  return v || undefined;
}

export async function benchOperatorGrowth(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  o: GrowthOptions,
  say: (line: string) => void,
): Promise<GrowthFigures> {
  await createNamespace(admin, NAMESPACE);
  const baseline = await measure(cp, 0, 0);
  say(`growth: baseline (no Goal): ready ${Math.round(baseline.readyMs)} ms`);
  const rows: GrowthRow[] = [];
  let have = 0;
  for (const size of o.sizes) {
    const t = performance.now();
    await addFinishedGoals(admin, cp.bosunEtcdUrl, NAMESPACE, have, size);
    const createMs = performance.now() - t;
    say(`growth: ${size} finished Goals in ${NAMESPACE} (${size - have} added in ${Math.round(createMs)} ms)`);
    have = size;
    const row = await measure(cp, size, createMs);
    rows.push(row);
    say(`growth:${growthRowLine(row, baseline)}`);
  }
  return {
    baseline,
    rows,
    projectTo: o.projectTo,
    apiserverRssBytes: apiserverRss(cp),
    etcdDbBytes: await etcdDbBytes(cp.etcdUrl),
  };
}

/** Reads the phase's sizes from the environment; undefined when it is to be skipped. */
export function growthOptionsFromEnv(env = process.env): GrowthOptions | undefined {
  const raw = env.BOSUN_BENCH_GROWTH_SIZES ?? '1000,10000,50000';
  if (!raw.trim()) return undefined;
  const sizes = raw.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sizes.some((n, i) => i > 0 && n <= (sizes[i - 1] ?? 0)))
    throw new Error('BOSUN_BENCH_GROWTH_SIZES must be ascending whole numbers, e.g. 1000,10000,50000');
  return { sizes, projectTo: Number(env.BOSUN_BENCH_GROWTH_PROJECT_TO ?? 200_000) };
}
