// `npm run bench`: Bosun's benchmarks on the local control plane, in one run so
// that ratios compare like with like on a shared, noisy machine. Prints
// figures as it goes and, last, all of them as one JSON line.
//   BOSUN_BENCH_SIZES   object counts (default 1000,10000)
//   BOSUN_BENCH_ONLY    one phase alone (no planner benches, no controller-runtime
//                       peer build, no sizes): `flood` (the model flood),
//                       `heal` (time to heal an alert) or `pipeline` (per-stage
//                       overhead of PipelineRuns on a runner and as Jobs)
//   BOSUN_BENCH_FLOOD_GOALS    model Goals per flood (default 40; 0 skips the phase)
//   BOSUN_BENCH_FLOOD_TYPED    typed Goals per phase (default 40)
//   BOSUN_BENCH_FLOOD_DELAY_MS the slow provider's answer time (default 3000)
//   BOSUN_BENCH_FLOOD_WORKERS  operator --workers per run (default 4,16; the
//                              first gets two A/B rounds, the others one)
//   BOSUN_BENCH_HEAL_ALERTS    crash-looping Deployments, one alert each (default 20;
//                              0 skips the phase), for the rule planner and again
//                              for the model planner; needs BOSUN_ALERTMANAGER
//                              (hack/bench.sh builds it)
//   BOSUN_BENCH_HEAL_VERIFY_SECONDS  RiskPolicy spec.heal.verifySeconds (default 10)
//   BOSUN_BENCH_HEAL_GAP_MS    time between two alerts (default 1000)
//   BOSUN_BENCH_PIPELINE_RUNS  PipelineRuns per path, on a runner (the real
//                              `bosun runner` process) and as Jobs (default 5,
//                              one warm-up more each; 0 skips the phase)
//   BOSUN_BENCH_PIPELINE_STAGES       stages per run (default 10, at most 20)
//   BOSUN_BENCH_PIPELINE_CONCURRENCY  Pipeline spec.concurrency and the
//                                     runner's capacity (default 4)
//   BOSUN_BENCH_PIPELINE_SLEEP_MS     what a runner stage's command sleeps
//                                     (default 200)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { identities } from '../../hack/control-plane/identities.js';
import { startControlPlane } from '../../hack/control-plane/control-plane.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { installBosun } from '../support/install.js';
import {
  bosunSpec,
  controllerRuntimeSpec,
  startContender,
  type Contender,
  type ContenderSpec,
} from './lib/contender.js';
import { ceilingPatchesPerSecond, createGoals, createNamespace, goalResource, watchGoals } from './lib/goals.js';
import { percentile, round } from './lib/stats.js';
import { benchLlmPlanner } from './llm.js';
import { benchModelFlood, floodJson, floodOptionsFromEnv } from './llm-flood.js';
import { benchHeal, healOptionsFromEnv } from './heal.js';
import { healJson, healLines } from './lib/heal-report.js';
import { pipelineJson, pipelineLines } from './lib/pipeline-report.js';
import { machine, machineLine } from './lib/machine.js';
import { benchPipelines, pipelineOptionsFromEnv } from './pipeline.js';
import { benchRulePlanner } from './planner.js';

const here = dirname(fileURLToPath(import.meta.url));
const say = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const only = process.env.BOSUN_BENCH_ONLY;
if (only && !['flood', 'heal', 'pipeline'].includes(only))
  throw new Error(`BOSUN_BENCH_ONLY=${only}: the phases that run alone are flood, heal and pipeline`);
/** Whether `phase` runs: every phase in the full bench, only the one BOSUN_BENCH_ONLY names otherwise. */
const runs = (phase: string) => !only || only === phase;
const sizes = only ? [] : (process.env.BOSUN_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const floodOptions = runs('flood') ? floodOptionsFromEnv() : undefined;
const healOptions = runs('heal') ? healOptionsFromEnv() : undefined;
const pipelineOptions = runs('pipeline') ? pipelineOptionsFromEnv() : undefined;

function buildControllerRuntimePeer(): string {
  const src = join(here, 'controller-runtime');
  const hash = createHash('sha256')
    .update(readFileSync(join(src, 'go.sum')))
    .update(readFileSync(join(src, 'main.go')))
    .digest('hex')
    .slice(0, 12);
  const cache = process.env.BOSUN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bosun');
  const bin = join(cache, 'bench', `controller-runtime-${hash}`);
  if (!existsSync(bin)) {
    say('building the controller-runtime peer (first time only)');
    mkdirSync(dirname(bin), { recursive: true });
    execFileSync('go', ['build', '-trimpath', '-o', bin, '.'], {
      cwd: src,
      stdio: 'inherit',
      env: { ...process.env, GOWORK: 'off', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
    });
  }
  return bin;
}

interface ColdStart {
  coldStartMs: number;
  reconcilesPerSecond: number;
  rssKbPerObject: number;
  heapKbPerObject: number;
  requestsPerReconcile: number;
  contender: Contender;
}

/** Starts `spec` on a namespace holding `n` unreconciled Goals and waits until every one has its status. */
async function coldStart(spec: ContenderSpec, admin: KubeClient, namespace: string, n: number): Promise<ColdStart> {
  // baseline memory: the same process with an empty cache
  await createNamespace(admin, `${namespace}-empty`);
  const base = startContender(spec, `${namespace}-empty`, await freePort(), say);
  await until(`${spec.name} up`, async () => (await base.metrics()).length > 0, 60_000);
  await sleep(2000);
  const rss0 = base.rssKb();
  const heap0 = spec.heapBytes(await base.metrics());
  await base.stop();

  const started = performance.now();
  const c = startContender(spec, namespace, await freePort(), say);
  let firstWrite = 0;
  let done = 0;
  while (!done) {
    const m = await c.metrics().catch(() => '');
    const patches = m ? spec.patches(m) : 0;
    const now = performance.now();
    if (patches >= 1 && !firstWrite) firstWrite = now;
    if (patches >= n) done = now;
    else await sleep(20);
    if (now - started > 600_000) throw new Error(`${spec.name} did not reconcile ${n} Goals in 10 minutes`);
  }
  await sleep(2000);
  const m = await c.metrics();
  return {
    coldStartMs: done - started,
    reconcilesPerSecond: n / ((done - firstWrite) / 1000),
    rssKbPerObject: (c.rssKb() - rss0) / n,
    heapKbPerObject: (spec.heapBytes(m) - heap0) / 1024 / n,
    requestsPerReconcile: spec.requests(m) / Math.max(1, spec.reconciles(m)),
    contender: c,
  };
}

/** Spec changes at `rate` per second for `seconds`; the time from each change to the status that observed it. */
async function latency(
  admin: KubeClient,
  namespace: string,
  n: number,
  rate: number,
  seconds: number,
): Promise<{ p50: number; p99: number; missed: number }> {
  const observed = new Map<string, { generation: number; at: number }[]>();
  const watch = await watchGoals(admin, namespace, (obj) => {
    const name = obj.metadata?.name;
    const gen = obj.status?.observedGeneration;
    if (name && typeof gen === 'number')
      observed.set(name, [...(observed.get(name) ?? []), { generation: gen, at: performance.now() }]);
  });
  const changes: { name: string; sent: number; generation: number }[] = [];
  const total = rate * seconds;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const name = `g-${i % n}`;
    const sent = performance.now();
    inflight.push(
      admin
        .patch<{ metadata: { generation: number } }>(goalResource, namespace, name, {
          spec: { intent: { replicas: 2 + i } },
        })
        .then((res) => {
          changes.push({ name, sent, generation: res.metadata.generation });
        }),
    );
  }
  await Promise.all(inflight);
  await sleep(5000);
  await watch.stop();
  const latencies: number[] = [];
  let missed = 0;
  for (const c of changes) {
    const hit = observed.get(c.name)?.find((o) => o.generation >= c.generation);
    if (hit) latencies.push(hit.at - c.sent);
    else missed += 1;
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), missed };
}

/** Write requests by the operator's identity in `namespace` since audit-log line `from`. */
function auditWritesSince(auditLog: string, from: number, namespace: string): number {
  const writes = new Set(['create', 'update', 'patch', 'delete']);
  return readFileSync(auditLog, 'utf8')
    .split('\n')
    .slice(from)
    .filter(Boolean)
    .map(
      (l) =>
        JSON.parse(l) as {
          stage: string;
          verb: string;
          user: { username: string };
          objectRef?: { namespace?: string };
        },
    )
    .filter(
      (e) =>
        e.stage === 'ResponseComplete' &&
        writes.has(e.verb) &&
        e.user.username === identities.operator.user &&
        e.objectRef?.namespace === namespace,
    ).length;
}
const auditLines = (auditLog: string) => readFileSync(auditLog, 'utf8').split('\n').length - 1;

async function main() {
  const figures: Record<string, unknown> = {};
  const m = machine({ alertmanager: healOptions && process.env.BOSUN_ALERTMANAGER });
  say(machineLine(m));
  figures.machine = m;
  if (!only) {
    const planner = benchRulePlanner();
    say(
      `rule planner: p50 ${round(planner.p50Us)} µs, p99 ${round(planner.p99Us)} µs per plan (plan, check, score, hash, decide), ${round(planner.plansPerSecond)} plans/s`,
    );
    const llm = await benchLlmPlanner();
    say(
      `LLM planner overhead (model time excluded, local server): p50 ${round(llm.p50Ms, 2)} ms, p99 ${round(llm.p99Ms, 2)} ms per plan; prompt ≈ ${llm.promptTokensEstimate} tokens`,
    );
    Object.assign(figures, {
      rule_planner_p50_us: round(planner.p50Us),
      rule_planner_p99_us: round(planner.p99Us),
      llm_planner_overhead_p50_ms: round(llm.p50Ms, 2),
      llm_planner_overhead_p99_ms: round(llm.p99Ms, 2),
      llm_prompt_tokens_estimate: llm.promptTokensEstimate,
    });
  }
  const crBinary = sizes.length ? buildControllerRuntimePeer() : '';
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-'));
  say('starting the local control plane');
  const cp = await startControlPlane({ dir, nodes: 1 });
  try {
    installBosun(cp.info.kubeconfigs.admin);
    const admin = new KubeClient(KubeRest.load(cp.info.kubeconfigs.admin, { maxSockets: 64 }), 'bench');
    const operator = new KubeClient(KubeRest.load(cp.info.kubeconfigs.operator, { maxSockets: 64 }), 'bench-ceiling');
    const bySize: Record<string, Record<string, number>> = {};

    for (const n of sizes) {
      say(`--- ${n} Goals`);
      const ns = { ceiling: `ceiling-${n}`, bosun: `bosun-${n}`, cr: `cr-${n}` };
      for (const name of Object.values(ns)) {
        await createNamespace(admin, name);
        await createGoals(admin, name, n);
      }
      say(`created ${3 * n} Goals`);

      const ceiling = await ceilingPatchesPerSecond(operator, ns.ceiling);
      say(`ceiling: ${round(ceiling.perSecond)} status patches/s (bare client, 64 in flight)`);

      const bosun = await coldStart(bosunSpec(cp.info.kubeconfigs.operator), admin, ns.bosun, n);
      say(
        `bosun: every Goal reconciled ${round(bosun.coldStartMs)} ms after start; ${round(bosun.reconcilesPerSecond)} reconciles/s; ${round(bosun.rssKbPerObject, 2)} KB RSS and ${round(bosun.heapKbPerObject, 2)} KB heap per cached object; ${round(bosun.requestsPerReconcile, 2)} API requests per reconcile`,
      );
      const bosunLatency = await latency(admin, ns.bosun, n, 50, 10);
      say(
        `bosun at 50 changes/s: p50 ${round(bosunLatency.p50)} ms, p99 ${round(bosunLatency.p99)} ms (missed ${bosunLatency.missed})`,
      );
      await bosun.contender.stop();

      // a no-op resync (and the cold start before it) over reconciled Goals
      const mark = auditLines(cp.info.auditLog);
      const resync = startContender(bosunSpec(cp.info.kubeconfigs.operator, 2), ns.bosun, await freePort(), say);
      await until('bosun resync process up', async () => (await resync.metrics()).length > 0, 60_000);
      await sleep(5000);
      const resyncReconciles = bosunSpec('').reconciles(await resync.metrics());
      await resync.stop();
      const noopWrites = auditWritesSince(cp.info.auditLog, mark, ns.bosun);
      say(`bosun no-op resync: ${noopWrites} writes over ${resyncReconciles} reconciles`);

      const cr = await coldStart(controllerRuntimeSpec(crBinary, cp.info.kubeconfigs.operator), admin, ns.cr, n);
      say(
        `controller-runtime: every Goal reconciled ${round(cr.coldStartMs)} ms after start; ${round(cr.reconcilesPerSecond)} reconciles/s; ${round(cr.rssKbPerObject, 2)} KB RSS and ${round(cr.heapKbPerObject, 2)} KB heap per cached object; ${round(cr.requestsPerReconcile, 2)} API requests per reconcile`,
      );
      const crLatency = await latency(admin, ns.cr, n, 50, 10);
      say(`controller-runtime at 50 changes/s: p50 ${round(crLatency.p50)} ms, p99 ${round(crLatency.p99)} ms`);
      await cr.contender.stop();

      bySize[n] = {
        objects: n,
        ceiling_patches_per_s: round(ceiling.perSecond),
        bosun_reconciles_per_s: round(bosun.reconcilesPerSecond),
        ratio_vs_ceiling: round(bosun.reconcilesPerSecond / ceiling.perSecond, 3),
        controller_runtime_reconciles_per_s: round(cr.reconcilesPerSecond),
        ratio_vs_controller_runtime: round(bosun.reconcilesPerSecond / cr.reconcilesPerSecond, 3),
        bosun_cold_start_ms: round(bosun.coldStartMs),
        controller_runtime_cold_start_ms: round(cr.coldStartMs),
        p50_ms_at_50_per_s: round(bosunLatency.p50),
        p99_ms_at_50_per_s: round(bosunLatency.p99),
        controller_runtime_p50_ms_at_50_per_s: round(crLatency.p50),
        controller_runtime_p99_ms_at_50_per_s: round(crLatency.p99),
        rss_kb_per_object: round(bosun.rssKbPerObject, 2),
        heap_kb_per_object: round(bosun.heapKbPerObject, 2),
        controller_runtime_heap_kb_per_object: round(cr.heapKbPerObject, 2),
        controller_runtime_rss_kb_per_object: round(cr.rssKbPerObject, 2),
        api_requests_per_reconcile: round(bosun.requestsPerReconcile, 3),
        noop_resync_writes: noopWrites,
      };
      say(
        `Bosun/ceiling ${bySize[n].ratio_vs_ceiling}, Bosun/controller-runtime ${bySize[n].ratio_vs_controller_runtime}`,
      );
    }

    if (floodOptions) {
      const o = floodOptions;
      say(
        `--- model flood: ${o.flood} model Goals (provider answers in ${o.delayMs} ms) beside ${o.typed} typed Goals at ${o.rate}/s`,
      );
      for (const f of await benchModelFlood(cp.info, admin, o, say)) {
        say(
          `model flood, ${f.workers} workers (median of ${f.rounds.length}): typed Goals create→planned p50 ${round(f.baselineP50Ms)} → ${round(f.floodP50Ms)} ms (×${round(f.ratioP50, 2)}), p99 ${round(f.baselineP99Ms)} → ${round(f.floodP99Ms)} ms (×${round(f.ratioP99, 2)}); ${f.modelPlannedInWindow} model Goals planned in the window, all in ${round(f.modelDrainMs)} ms`,
        );
        Object.assign(figures, floodJson([f]));
      }
    }
    if (healOptions) {
      const o = healOptions;
      say(
        `--- heal: ${o.alerts} crash-looping Deployments, one alert each through Alertmanager (verifySeconds ${o.verifySeconds}), planned by the rules, then by the model`,
      );
      const heals = [await benchHeal(cp.info, admin, o, 'rules', say), await benchHeal(cp.info, admin, o, 'llm', say)];
      for (const line of healLines(heals)) say(line);
      Object.assign(figures, healJson(heals));
    }
    if (pipelineOptions) {
      const o = pipelineOptions;
      say(
        `--- pipeline: ${o.runs} PipelineRuns of ${o.stages} stages per path (concurrency ${o.concurrency}), ` +
          'on a runner, then as Jobs',
      );
      const paths = await benchPipelines(cp.info, admin, o, say);
      for (const line of pipelineLines(paths, o)) say(line);
      Object.assign(figures, pipelineJson(paths, o));
    }
    const largest = sizes.length ? (bySize[String(Math.max(...sizes))] ?? {}) : {};
    console.log(JSON.stringify({ ...largest, ...figures, by_size: bySize }));
  } finally {
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
