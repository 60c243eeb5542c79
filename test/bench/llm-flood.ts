// A flood of model Goals against a slow model provider, and what it does to
// typed Goals beside them. One real operator (`bosun run`) watches one
// namespace; a fake Ollama server answers every model call after `delayMs`.
//   A (baseline): `typed` typed scale Goals created at `rate` per second.
//   B (flood):    `flood` free-text Goals created at once, then the same typed
//                 pattern under new names.
// For each typed Goal: the time from its create request to the first status
// that shows it planned (phase past Pending/Planning: Executing, Succeeded,
// Stalled, …), and, separately, to Succeeded. Rounds alternate A, B; the
// figures are the medians over rounds (the lower middle one for an even
// count). No admission webhook: the bench, as cluster admin, writes
// spec.requester itself, so Goals plan, pass preflight and execute. Nothing
// here is asserted: a model call holds a reconcile worker for as long as the
// provider takes, and this shows what that costs.
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { identities } from '../../hack/control-plane/identities.js';
import { API_VERSION } from '../../src/api/v1alpha1/kinds.js';
import type { KubeClient } from '../../src/kube/client.js';
import { startFakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createNamespace, goalResource, watchGoals } from './lib/goals.js';
import { percentile, round } from './lib/stats.js';
import { createExecutor, kubectlAs } from './lib/kubectl.js';
import { sleep } from '../../src/runtime/backoff.js';

export interface FloodOptions {
  /** model Goals created at once in each flood phase */
  flood: number;
  /** typed Goals per phase */
  typed: number;
  /** typed Goals created per second */
  rate: number;
  /** how long the fake provider takes to answer */
  delayMs: number;
  /** A+B rounds with the operator's default workers */
  rounds: number;
  /** worker counts to run; each gets its own operator and namespace */
  workers: number[];
}

export interface PhaseFigures {
  p50Ms: number;
  p99Ms: number;
  /** typed Goals not planned within the phase's wait */
  missed: number;
  /** create → Succeeded */
  succeededP50Ms: number;
  succeeded: number;
}

export interface FloodRound {
  baseline: PhaseFigures;
  flood: PhaseFigures;
  /** model Goals planned between the flood's start and the last typed Goal's planned status */
  modelPlannedInWindow: number;
  windowMs: number;
  /** time from the flood's start until every model Goal was planned */
  modelDrainMs: number;
  /** requests the fake provider received during the flood */
  modelCalls: number;
  /** the model Goals' phases once all were planned */
  modelPhases: Record<string, number>;
}

export interface FloodFigures {
  workers: number;
  rounds: FloodRound[];
  baselineP50Ms: number;
  baselineP99Ms: number;
  floodP50Ms: number;
  floodP99Ms: number;
  ratioP50: number;
  ratioP99: number;
  modelPlannedInWindow: number;
  modelDrainMs: number;
}

const median = (xs: number[]) => percentile(xs, 50);
const PLANNED_WAIT_MS = 180_000;

const plan = {
  steps: [
    {
      tool: 'k8s.scale',
      params: { target: 'deployment/web', replicas: 2 },
      description: 'scale web to 2 replicas',
      risk: 'low',
    },
  ],
  risk: 'low',
  reasoning: 'more capacity',
};

interface Seen {
  /** first status whose phase is past Pending/Planning */
  planned?: number;
  phase?: string;
  succeeded?: number;
}

/** A namespace set up as a namespace admin would for Bosun, with a Deployment to scale and a slow model. */
function setUpNamespace(adminKubeconfig: string, namespace: string, baseURL: string): void {
  const kubectl = kubectlAs(adminKubeconfig, namespace);
  createExecutor(kubectl, namespace);
  const docs = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        },
      },
    },
    {
      apiVersion: API_VERSION,
      kind: 'RiskPolicy',
      metadata: { name: 'default' },
      spec: {
        levels: { none: 'auto', low: 'auto', medium: 'auto', high: 'auto', critical: 'auto' },
        llmStepRiskFloor: 'none',
      },
    },
    {
      apiVersion: API_VERSION,
      kind: 'ModelProvider',
      metadata: { name: 'default' },
      spec: {
        provider: 'ollama',
        baseURL,
        models: { low: 'bench', medium: 'bench', high: 'bench' },
        rateLimits: { requestsPerMinute: 100000 },
        timeoutSeconds: 600,
      },
    },
  ];
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }));
  kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s']);
}

/** Every Goal's first planned status and Succeeded, as the watch sees them. */
async function watchSeen(admin: KubeClient, namespace: string) {
  const seen = new Map<string, Seen>();
  const watch = await watchGoals(admin, namespace, (obj) => {
    const name = obj.metadata?.name;
    const phase = obj.status?.phase;
    if (!name || typeof phase !== 'string' || phase === 'Pending' || phase === 'Planning') return;
    const now = performance.now();
    const s = seen.get(name) ?? {};
    s.planned ??= now;
    s.phase = phase;
    if (phase === 'Succeeded') s.succeeded ??= now;
    seen.set(name, s);
  });
  return { seen, stop: watch.stop };
}

const requester = { username: identities.admin.user, groups: identities.admin.groups };

async function createTyped(admin: KubeClient, namespace: string, names: string[], rate: number) {
  const sent = new Map<string, number>();
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (const [i, name] of names.entries()) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sent.set(name, performance.now());
    inflight.push(
      admin.create(goalResource, {
        apiVersion: API_VERSION,
        kind: 'Goal',
        metadata: { name, namespace },
        spec: { intent: { type: 'scale', target: 'deployment/web', replicas: 2 }, requester },
      }),
    );
  }
  await Promise.all(inflight);
  return sent;
}

async function createModelGoals(admin: KubeClient, namespace: string, names: string[]) {
  await Promise.all(
    names.map((name) =>
      admin.create(goalResource, {
        apiVersion: API_VERSION,
        kind: 'Goal',
        metadata: { name, namespace },
        spec: { planner: 'llm', goal: `web is slow (${name}): add capacity if safe`, requester },
      }),
    ),
  );
}

/** Waits (no longer than PLANNED_WAIT_MS) until every one of `names` has been planned. */
async function planned(seen: Map<string, Seen>, names: string[]): Promise<void> {
  const deadline = performance.now() + PLANNED_WAIT_MS;
  while (performance.now() < deadline && names.some((n) => seen.get(n)?.planned === undefined)) await sleep(50);
}

function figures(seen: Map<string, Seen>, sent: Map<string, number>): PhaseFigures {
  const latencies: number[] = [];
  const done: number[] = [];
  let missed = 0;
  for (const [name, at] of sent) {
    const s = seen.get(name);
    if (s?.planned === undefined) missed += 1;
    else latencies.push(s.planned - at);
    if (s?.succeeded !== undefined) done.push(s.succeeded - at);
  }
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    missed,
    succeededP50Ms: percentile(done, 50),
    succeeded: done.length,
  };
}

export async function benchModelFlood(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  opts: FloodOptions,
  say: (line: string) => void,
): Promise<FloodFigures[]> {
  const fake = await startFakeProvider('ollama');
  fake.respond = () => ({ delayMs: opts.delayMs, then: { plan } });
  const out: FloodFigures[] = [];
  try {
    for (const workers of opts.workers) {
      const namespace = `flood-w${workers}`;
      await createNamespace(admin, namespace);
      setUpNamespace(cp.kubeconfigs.admin, namespace, fake.baseURL);
      const watch = await watchSeen(admin, namespace);
      let op: RunningOperator | undefined;
      try {
        op = await startOperator({
          cp,
          identity: `bench-flood-w${workers}`,
          namespace,
          args: ['--leader-elect=false', '--workers', String(workers)],
        });
        // warm-up: the operator's first reconciles (caches, discovery, executor token) are not the figures
        const warm = [`warm-${workers}`];
        await createTyped(admin, namespace, warm, opts.rate);
        await planned(watch.seen, warm);

        const rounds: FloodRound[] = [];
        const count = workers === opts.workers[0] ? opts.rounds : 1;
        for (let r = 1; r <= count; r++) {
          const names = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-r${r}-${i}`);
          const a = names('typed-a', opts.typed);
          const sentA = await createTyped(admin, namespace, a, opts.rate);
          await planned(watch.seen, a);
          const baseline = figures(watch.seen, sentA);

          const m = names('model', opts.flood);
          const b = names('typed-b', opts.typed);
          const callsBefore = fake.requests.length;
          const floodStart = performance.now();
          await createModelGoals(admin, namespace, m);
          const sentB = await createTyped(admin, namespace, b, opts.rate);
          await planned(watch.seen, b);
          const windowEnd = Math.max(...b.map((n) => watch.seen.get(n)?.planned ?? performance.now()));
          const flood = figures(watch.seen, sentB);
          const modelPlannedInWindow = m.filter((n) => (watch.seen.get(n)?.planned ?? Infinity) <= windowEnd).length;
          await planned(watch.seen, m);
          const modelDrainMs = Math.max(...m.map((n) => watch.seen.get(n)?.planned ?? NaN)) - floodStart;
          const modelPhases: Record<string, number> = {};
          for (const n of m) {
            const phase = watch.seen.get(n)?.phase ?? 'none';
            modelPhases[phase] = (modelPhases[phase] ?? 0) + 1;
          }
          const round_: FloodRound = {
            baseline,
            flood,
            modelPlannedInWindow,
            windowMs: windowEnd - floodStart,
            modelDrainMs,
            modelCalls: fake.requests.length - callsBefore,
            modelPhases,
          };
          rounds.push(round_);
          say(
            `model flood, ${workers} workers, round ${r}: typed Goals create→planned baseline p50 ${round(baseline.p50Ms)} ms, p99 ${round(baseline.p99Ms)} ms; ` +
              `beside ${opts.flood} model Goals (${opts.delayMs} ms each) p50 ${round(flood.p50Ms)} ms, p99 ${round(flood.p99Ms)} ms ` +
              `(missed ${baseline.missed}/${flood.missed}; Succeeded ${baseline.succeeded}/${flood.succeeded} of ${opts.typed}); ` +
              `${modelPlannedInWindow} model Goals planned in the ${round(round_.windowMs)} ms window, all in ${round(modelDrainMs)} ms ` +
              `(${round_.modelCalls} model calls; model Goals ${JSON.stringify(modelPhases)})`,
          );
          // a quiet pause before the next baseline: execution of the Goals above finishes
          await sleep(3000);
        }
        const med = (f: (r: FloodRound) => number) => median(rounds.map(f));
        const fig: FloodFigures = {
          workers,
          rounds,
          baselineP50Ms: med((r) => r.baseline.p50Ms),
          baselineP99Ms: med((r) => r.baseline.p99Ms),
          floodP50Ms: med((r) => r.flood.p50Ms),
          floodP99Ms: med((r) => r.flood.p99Ms),
          ratioP50: 0,
          ratioP99: 0,
          modelPlannedInWindow: med((r) => r.modelPlannedInWindow),
          modelDrainMs: med((r) => r.modelDrainMs),
        };
        fig.ratioP50 = fig.floodP50Ms / fig.baselineP50Ms;
        fig.ratioP99 = fig.floodP99Ms / fig.baselineP99Ms;
        out.push(fig);
      } finally {
        await op?.stop();
        await watch.stop();
      }
    }
  } finally {
    await fake.close();
  }
  return out;
}

/** Reads the phase's size from the environment; undefined when it is to be skipped. */
export function floodOptionsFromEnv(env = process.env): FloodOptions | undefined {
  const flood = Number(env.BOSUN_BENCH_FLOOD_GOALS ?? 40);
  if (!flood) return undefined;
  return {
    flood,
    typed: Number(env.BOSUN_BENCH_FLOOD_TYPED ?? 40),
    rate: 10,
    delayMs: Number(env.BOSUN_BENCH_FLOOD_DELAY_MS ?? 3000),
    rounds: 2,
    workers: (env.BOSUN_BENCH_FLOOD_WORKERS ?? '4,16').split(',').map(Number),
  };
}

/** The figures for run.ts's JSON line. */
export function floodJson(figs: FloodFigures[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const f of figs) {
    const w = `w${f.workers}`;
    json[`flood_${w}_typed_baseline_p50_ms`] = round(f.baselineP50Ms);
    json[`flood_${w}_typed_baseline_p99_ms`] = round(f.baselineP99Ms);
    json[`flood_${w}_typed_flood_p50_ms`] = round(f.floodP50Ms);
    json[`flood_${w}_typed_flood_p99_ms`] = round(f.floodP99Ms);
    json[`flood_${w}_ratio_p50`] = round(f.ratioP50, 2);
    json[`flood_${w}_ratio_p99`] = round(f.ratioP99, 2);
    json[`flood_${w}_model_planned_in_window`] = f.modelPlannedInWindow;
    json[`flood_${w}_model_drain_ms`] = round(f.modelDrainMs);
  }
  return json;
}
