// `npm run bench`: Bosun's benchmarks on the local control plane, in one run so
// that ratios compare like with like on a shared, noisy machine. Prints
// figures as it goes and, last, all of them as one JSON line.
//   BOSUN_BENCH_SIZES   object counts of the runtime benchmark, runtime.ts (default 1000,10000)
//   BOSUN_BENCH_REPEATS rounds of each runtime measurement, the contenders
//                       interleaved (default 3)
//   BOSUN_BENCH_LATENCY_SAMPLES  spec changes per round of the latency phase
//                       (default 1000: 3,000 over three rounds)
//   BOSUN_BENCH_ONLY    one phase alone (no planner benches, no controller-runtime
//                       peer build, no sizes): `flood` (the model flood),
//                       `heal` (time to heal an alert), `pipeline` (per-stage
//                       overhead of PipelineRuns on a runner and as Jobs),
//                       `e2e` (two-step scale Goals from creation to Succeeded,
//                       goals-e2e.ts) or `growth` (the operator's memory and cold
//                       start by count of Goals, operator-growth.ts)
//   BOSUN_BENCH_E2E_GOALS      Goals of the e2e phase (default 1000; 0 skips it)
//   BOSUN_BENCH_E2E_TIMEOUT_SECONDS  how long they may take (default 900)
//   BOSUN_BENCH_GROWTH_SIZES   Goals the operator starts over, in one namespace
//                              that grows (default 1000,10000,50000; '' skips)
//   BOSUN_BENCH_GROWTH_PROJECT_TO    the size projected to (default 200000)
//   BOSUN_BENCH_FLOOD_GOALS    model Goals per flood (default 40; 0 skips the phase)
//   BOSUN_BENCH_FLOOD_TYPED    typed Goals per phase (default 40)
//   BOSUN_BENCH_FLOOD_DELAY_MS the slow provider's answer time (default 3000)
//   BOSUN_BENCH_FLOOD_WORKERS  operator --workers per run (default 4,16; the
//                              first gets two A/B rounds, the others one)
//   BOSUN_BENCH_HEAL_ALERTS    crash-looping Deployments, one alert each (default 100;
//                              0 skips the phase), for the rule planner and again
//                              for the model planner; needs BOSUN_ALERTMANAGER
//                              (hack/bench.sh builds it)
//   BOSUN_BENCH_HEAL_VERIFY_SECONDS  RiskPolicy spec.heal.verifySeconds (default 10)
//   BOSUN_BENCH_HEAL_GAP_MS    time between two alerts (default 200)
//   BOSUN_BENCH_HEAL_WORKERS   the operator's --workers in the heal phase (default:
//                              the operator's own)
//   BOSUN_BENCH_PIPELINE_SAMPLE_RUNS  PipelineRuns of config/samples/pipeline.yaml
//                              on the runner (default 50; 0 skips them)
//   BOSUN_BENCH_PIPELINE_SAMPLE_EVERY_MS  time between two sample runs' creation
//                              (default 0: all at once)
//   BOSUN_BENCH_PIPELINE_RUNS  PipelineRuns of a synthetic DAG per path, on a
//                              runner (the real `bosun runner` process) and as
//                              Jobs (default 5, one warm-up more each; 0 skips
//                              them; with the sample runs also 0, the phase)
//   BOSUN_BENCH_PIPELINE_STAGES       stages per synthetic run (default 10, at most 20)
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
import { startControlPlane } from '../../hack/control-plane/control-plane.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { installBosun } from '../support/install.js';
import { runtimeJson, runtimeLines } from './lib/runtime-report.js';
import { round } from './lib/stats.js';
import { benchLlmPlanner } from './llm.js';
import { benchModelFlood, floodJson, floodOptionsFromEnv } from './llm-flood.js';
import { benchHeal, healOptionsFromEnv } from './heal.js';
import { healJson, healLines } from './lib/heal-report.js';
import { pipelineJson, pipelineLines } from './lib/pipeline-report.js';
import { goModuleVersion, machine, machineLine, npmVersion } from './lib/machine.js';
import { benchPipelines, pipelineOptionsFromEnv } from './pipeline.js';
import { benchRulePlanner } from './planner.js';
import { benchGoalsEndToEnd, e2eOptionsFromEnv } from './goals-e2e.js';
import { e2eJson, e2eLines } from './lib/e2e-report.js';
import { growthJson, growthLines } from './lib/growth-report.js';
import { benchOperatorGrowth, growthOptionsFromEnv } from './operator-growth.js';
import { benchRuntime, runtimeOptionsFromEnv, type RuntimeOptions } from './runtime.js';

const here = dirname(fileURLToPath(import.meta.url));
const say = (line: string) => console.log(`[bench] ${line}`);
const only = process.env.BOSUN_BENCH_ONLY;
const PHASES = ['flood', 'heal', 'pipeline', 'e2e', 'growth'];
if (only && !PHASES.includes(only))
  throw new Error(`BOSUN_BENCH_ONLY=${only}: the phases that run alone are ${PHASES.join(', ')}`);
/** Whether `phase` runs: every phase in the full bench, only the one BOSUN_BENCH_ONLY names otherwise. */
const runs = (phase: string) => !only || only === phase;
const runtime = only ? undefined : runtimeOptionsFromEnv();
const floodOptions = runs('flood') ? floodOptionsFromEnv() : undefined;
const healOptions = runs('heal') ? healOptionsFromEnv() : undefined;
const pipelineOptions = runs('pipeline') ? pipelineOptionsFromEnv() : undefined;
const e2eOptions = runs('e2e') ? e2eOptionsFromEnv() : undefined;
const growthOptions = runs('growth') ? growthOptionsFromEnv() : undefined;

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

async function main() {
  const figures: Record<string, unknown> = {};
  const m = machine({ alertmanager: healOptions && process.env.BOSUN_ALERTMANAGER });
  if (runtime) m.versions['controller-runtime'] = goModuleVersion(join(here, 'controller-runtime', 'go.mod'));
  m.versions['@kubernetes/client-node'] = npmVersion('@kubernetes/client-node');
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
  const crBinary = runtime ? buildControllerRuntimePeer() : '';
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-'));
  say('starting the local control plane');
  const cp = await startControlPlane({ dir, nodes: 1 });
  try {
    installBosun(cp.info.kubeconfigs.admin);
    const admin = new KubeClient(KubeRest.load(cp.info.kubeconfigs.admin, { maxSockets: 64 }), 'bench');
    const operator = new KubeClient(KubeRest.load(cp.info.kubeconfigs.operator, { maxSockets: 64 }), 'bench-ceiling');
    const bySize: Record<string, Record<string, number>> = {};

    for (const n of runtime?.sizes ?? []) {
      say(`--- ${n} Goals`);
      const f = await benchRuntime(cp.info, admin, operator, crBinary, n, runtime as RuntimeOptions, say);
      for (const line of runtimeLines(f)) say(line);
      bySize[n] = runtimeJson(f);
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
      say('--- heal');
      const heals = [await benchHeal(cp.info, admin, o, 'rules', say), await benchHeal(cp.info, admin, o, 'llm', say)];
      for (const line of healLines(heals)) say(line);
      Object.assign(figures, healJson(heals));
    }
    if (pipelineOptions) {
      const o = pipelineOptions;
      say('--- pipeline');
      const paths = await benchPipelines(cp.info, admin, o, say);
      for (const line of pipelineLines(paths, o)) say(line);
      Object.assign(figures, pipelineJson(paths, o));
    }
    if (e2eOptions) {
      say(`--- e2e: ${e2eOptions.goals} two-step scale Goals from creation to Succeeded`);
      const f = await benchGoalsEndToEnd(cp.info, admin, e2eOptions, say);
      for (const line of e2eLines(f)) say(line);
      Object.assign(figures, e2eJson(f));
    }
    // last: it leaves its namespace behind (its Goals carry Bosun's finalizer)
    if (growthOptions) {
      say(`--- growth: the operator's memory and cold start over ${growthOptions.sizes.join(', ')} finished Goals`);
      const f = await benchOperatorGrowth(cp.info, admin, growthOptions, say);
      for (const line of growthLines(f)) say(line);
      Object.assign(figures, growthJson(f));
    }
    const largest = runtime ? (bySize[String(Math.max(...runtime.sizes))] ?? {}) : {};
    console.log(JSON.stringify({ ...largest, ...figures, by_size: bySize }));
  } finally {
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
