// Per-stage overhead of PipelineRuns: what Bosun adds around each stage's
// command, on both paths a stage can take: on a runner (`runOn: runner`: the
// operator queues each attempt in Bosun's etcd, the runner claims it over
// HTTPS and runs the command in its bubblewrap sandbox) and as a Job
// (`runOn: cluster`: a hardened Job per attempt); and the sample Pipeline's
// runs at the scale. One operator (`bosun run`, its webhook server for
// the runners' endpoints and for the admission webhook that stamps each run's
// requester) watches the namespace `pipeline-bench`; the runner is the real
// `bosun runner` CLI as a process of its own (not the in-process Runner of
// test/support/pipelines.ts), with capacity = concurrency, its claim poll left
// at its default. All runs are started by alice. Three paths, one after the
// other:
//   runner, Job  `runs` PipelineRuns each of a synthetic graph of `stages`
//                stages (lib/pipeline-dag.ts: a root, a fan of four, a join, a
//                chain of two beside a single stage, a join; ten make one
//                block), spec.concurrency `concurrency`, one run after the
//                other, each of its own Pipeline, after one warm-up run per
//                path that is not counted (the operator's first run fills its
//                caches, the runner's first sandbox). A runner stage runs
//                `sh -c 'sleep <sleepMs>'`; a Job stage runs
//                registry.bosun.test/stage-pass:1, which Bosun's KWOK stage
//                ends about 1 s after it started it (no container runs:
//                test/support/stage-images.ts). Kept small: a run takes about
//                13 s, one at a time.
//   sample       config/samples/pipeline.yaml as it is (lib/pipeline-sample.ts:
//                lint and test, then build, then security, the report stage
//                after them all; test's retry, the halt count, the security
//                threshold), only its source moved to a git daemon on loopback
//                serving samples/app and its image to a registry on loopback:
//                its stages run ESLint, node --test, crane and Trivy in the
//                runner's sandbox, and its report runs in the operator (no
//                notify targets). One warm-up run, then `sampleRuns` runs
//                started `sampleEveryMs` apart, by default all at once (a
//                push to 50 repositories; the runner is the limit either way:
//                at 3 s apart, 50 runs queued up behind it just the same), each
//                of a Pipeline of its own (sample-<i>, the same spec): under the
//                sample's concurrencyPolicy Queue the runs of one Pipeline would
//                wait for each other, one at a time, and 50 at 15 s or more
//                each would take over 12 minutes. They share the one runner,
//                whose capacity (`concurrency` commands at once, on this
//                machine's cores) is what limits them: a stage that waits for a
//                free slot waits in handed over → taken, the runner's part, not
//                Bosun's; Bosun's parts are ready → handed over and ended →
//                written, and the report stage's turn.
//
// What is measured, each moment in ms since the epoch (one machine: the bench,
// the operator and the runner share one clock), not from status timestamps
// (whole seconds):
//   stage ready     when the stage could start: for a stage with no dependsOn,
//                   the first status of the run the bench's watch sees in phase
//                   Running (the plan accepted; the stages start in the next
//                   pass); else the moment the watch saw the last of its
//                   dependsOn written Succeeded.
//   command started / ended
//                   runner: the work record's report.startedAt / finishedAt in
//                   Bosun's etcd (/bosun/v1/records/runner/work/<id>), as the
//                   runner measured them around its sandbox run (so the own
//                   time includes bubblewrap's start and end). Job: the moment a
//                   watch on the pods (label bosun.dev/stage) sees the stage
//                   pod's container Running, and terminated: KWOK writes both,
//                   so this is KWOK's timing, not a container's.
//   status written  the first watch event of the PipelineRun in which that
//                   stage's state is Succeeded.
// Per stage: ready → started and ended → written (p50/p99 over every stage
// of the measured runs). ready → started is also shown in parts: ready →
// handed over (Bosun: the work record's queuedAt | the Job's first watch
// event), handed over → taken (the record's claimedAt: the runner's claim poll
// and, when the runner is full, the wait for a free slot | the pod's first
// watch event: the Job controller), taken → started (the claim's answer, the
// runner's started report and the sandbox's spawn | the scheduler and KWOK's
// start); the Job's parts come from two watches, whose deliveries can be a few
// ms out of order. Also ready → written, the stage's whole turn: the operator
// looks at a running stage every STAGE_POLL_MS (2 s) and an idle runner claims
// every 2 s (its default), two clocks of their own, so how a runner stage's
// turn splits between the two overheads depends on how their phases fall; the
// turn does not. A stage the operator runs itself (the sample's report: no
// command) has only its turn, ready (every other stage written) → written,
// printed apart. Per run: created (the bench's create call returned) →
// Running (admission, the plan); its wall time (the watch's Running →
// Succeeded) over the sum of its commands' own times (ended − started), and
// over its longest path's own time (the least any scheduler could take with
// this graph), the median over the runs of a path; the wall time's p50/p99.
// For the sample's runs, which overlap: the throughput, the runs that
// succeeded over the first run's creation → the last one's Succeeded. Each
// path's time in all, and the phase's, are printed, and the operator's own
// account from its /metrics (lib/heal-operator.ts: the PipelineRun
// controller's reconciles, their mean time, its queue's mean wait; its CPU).
// Nothing here is asserted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { startGitServer } from '../../hack/control-plane/git-server.js';
import { startRegistry } from '../../hack/stage-run.js';
import { repoRoot } from '../support/paths.js';
import { API_VERSION, kindInfo } from '../../src/api/v1alpha1/kinds.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { bosunResource, core } from '../../src/kube/resources.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { RunnerQueue } from '../../src/webhooks/runner-queue.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createNamespace } from './lib/goals.js';
import { operatorFigures, operatorLine } from './lib/heal-operator.js';
import { benchDag, type BenchStage } from './lib/pipeline-dag.js';
import { pipelineFigures, type MeasuredRun, type PipelineFigures, type PipelinePath } from './lib/pipeline-report.js';
import { readSample, sampleDag, samplePipeline } from './lib/pipeline-sample.js';
import { runTiming, runsSpan } from './lib/pipeline-timings.js';
import { Tracks, type JobView, type PodView, type RunView } from './lib/pipeline-tracks.js';
import {
  PIPELINE_NAMESPACE,
  RUNNER_NAME,
  RUNNER_SECRET,
  benchPipeline,
  registerWebhooks,
  setUpNamespace,
  startRunnerProcess,
  type RunnerProcess,
} from './lib/pipeline-workloads.js';
import { watchObjects } from './lib/watch.js';
import { sleep } from '../../src/runtime/backoff.js';

export interface PipelineOptions {
  /** measured runs per path of the synthetic graph, one after the other (one warm-up run more); 0 skips them */
  runs: number;
  /** stages per run of the synthetic graph (a Pipeline holds 20 at most) */
  stages: number;
  /** the synthetic Pipelines' spec.concurrency, and the runner's capacity */
  concurrency: number;
  /** what each synthetic runner stage's command sleeps */
  sleepMs: number;
  /** measured runs of the sample Pipeline on the runner (one warm-up run more); 0 skips them */
  sampleRuns: number;
  /** the time between two sample runs' starts; 0 starts them all at once */
  sampleEveryMs: number;
}

const runResource = bosunResource(kindInfo('PipelineRun'));
const OPERATOR_NAMESPACE = 'bosun-system';
const FINAL = ['Succeeded', 'Failed', 'Cancelled', 'Refused', 'Denied', 'Stalled'];
const PATHS: readonly ('runner' | 'cluster')[] = ['runner', 'cluster'];

const runName = (path: PipelinePath, i: number) => `${path === 'cluster' ? 'job' : path}-${i}`;

/** What a path's runs need: who starts them, where to read their marks. */
interface Bench {
  namespace: string;
  alice: KubeClient;
  store: EtcdStateStore;
  tracks: Tracks;
  say: (line: string) => void;
}

/** Starts run `name` of Pipeline `pipeline` as alice; marks the moment the API server took it. */
async function start(b: Bench, name: string, pipeline: string, revision: string) {
  await b.alice.create(runResource, {
    apiVersion: API_VERSION,
    kind: 'PipelineRun',
    metadata: { name, namespace: b.namespace },
    spec: { pipelineRef: { name: pipeline }, revision, trigger: { type: 'manual' } },
  });
  b.tracks.of(name).created ??= Date.now();
}

/** Each run's last phase and figures, once they ended (or `ms` passed); runner stages read from the work records. */
async function measure(b: Bench, names: string[], stages: readonly BenchStage[], runner: boolean, ms: number) {
  const deadline = Date.now() + ms;
  const phase = (run: string) => b.tracks.phases.get(run) ?? 'none';
  while (!names.every((n) => FINAL.includes(phase(n))) && Date.now() < deadline) await sleep(100);
  if (runner) await b.tracks.fromWorkRecords(b.store, b.namespace, names);
  return names.map((name): MeasuredRun => {
    const timing = runTiming(stages, b.tracks.of(name));
    if (phase(name) !== 'Succeeded') b.say(`${name} ended ${phase(name)}`);
    return { phase: phase(name), ...(timing && { timing }) };
  });
}

/** A path of the synthetic graph: its runs one after the other, each of its own Pipeline; the first a warm-up. */
async function oneAfterAnother(b: Bench, path: 'runner' | 'cluster', dag: readonly BenchStage[], runs: number) {
  const began = Date.now();
  b.say(
    `${path}: ${runs + 1} runs of ${dag.length} stages in ${b.namespace} (the first a warm-up), one after the other`,
  );
  const results: MeasuredRun[] = [];
  for (let i = 0; i <= runs; i++) {
    const name = runName(path, i);
    await start(b, name, name, 'a1b2c3d');
    results.push(...(await measure(b, [name], dag, path === 'runner', 60_000 + dag.length * 15_000)));
  }
  const [warm, ...measured] = results;
  return pipelineFigures(path, dag.length, measured, { warmUp: warm?.timing, elapsedMs: Date.now() - began });
}

/**
 * The sample path: after one warm-up run, `runs` runs started `everyMs` apart (0: all at once), each of a Pipeline
 * of its own (sample-<i>, the sample's spec: under its concurrencyPolicy Queue the runs of one Pipeline would wait
 * for each other, one at a time), all on the one runner, whose capacity is what they share.
 */
async function sampleRuns(b: Bench, dag: readonly BenchStage[], revision: string, runs: number, everyMs: number) {
  const began = Date.now();
  const how = everyMs ? `${everyMs} ms apart` : 'all at once';
  b.say(`sample: 1 warm-up run, then ${runs} runs of ${dag.length} stages in ${b.namespace}, started ${how}`);
  await start(b, 'sample-0', 'sample-0', revision);
  const [warm] = await measure(b, ['sample-0'], dag, true, 180_000);
  const names = Array.from({ length: runs }, (_, i) => `sample-${i + 1}`);
  for (const [i, name] of names.entries()) {
    if (i && everyMs) await sleep(everyMs);
    await start(b, name, name, revision);
  }
  const measured = await measure(b, names, dag, true, 300_000 + runs * (everyMs + 30_000));
  return pipelineFigures('sample', dag.length, measured, {
    warmUp: warm?.timing,
    elapsedMs: Date.now() - began,
    spanMs: runsSpan(names.map((n) => b.tracks.of(n))),
  });
}

/** The synthetic graph on both paths, then the sample Pipeline, with one operator and one runner; their figures. */
export async function benchPipelines(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  opts: PipelineOptions,
  say: (line: string) => void,
): Promise<PipelineFigures[]> {
  const began = Date.now();
  const namespace = PIPELINE_NAMESPACE;
  const dag = benchDag(opts.stages);
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-pipeline-'));
  const certDir = join(dir, 'certs');
  const alice = new KubeClient(KubeRest.load(cp.kubeconfigs.alice), 'bench-alice');
  const store = new EtcdStateStore({ endpoints: [cp.bosunEtcdUrl] });
  const b: Bench = { namespace, alice, store, tracks: new Tracks(), say };
  let op: RunningOperator | undefined;
  let runner: RunnerProcess | undefined;
  let unregister = () => {};
  const stops: (() => Promise<void>)[] = [];
  try {
    await createNamespace(admin, namespace);
    const pipelines: object[] = opts.runs
      ? PATHS.flatMap((path) =>
          Array.from({ length: opts.runs + 1 }, (_, i) => benchPipeline(runName(path, i), path, dag, opts)),
        )
      : [];
    // the sample Pipeline on the sample app, served by a git daemon, its image pushed to a registry on loopback
    const tools = process.env.BOSUN_STAGE_TOOLS;
    const sample = readSample();
    let revision: string | undefined;
    if (tools && opts.sampleRuns) {
      const git = await startGitServer();
      const registry = await startRegistry(join(tools, 'bin'));
      stops.push(git.stop, registry.stop);
      revision = git.commitTree('sample-app', [join(repoRoot, 'samples', 'app')], { message: 'the sample app' });
      for (let i = 0; i <= opts.sampleRuns; i++)
        pipelines.push(samplePipeline(sample, `sample-${i}`, git.url('sample-app'), `${registry.host}/sample-app`));
    } else if (opts.sampleRuns)
      say('the sample Pipeline is left out: BOSUN_STAGE_TOOLS is not set (hack/bench.sh sets it)');
    setUpNamespace(cp.kubeconfigs.admin, namespace, pipelines);

    const key = randomBytes(32).toString('hex');
    const keyFile = join(dir, 'runner.key');
    writeFileSync(keyFile, key, { mode: 0o600 });
    await admin.delete(core.secrets, OPERATOR_NAMESPACE, RUNNER_SECRET).catch(() => {});
    await admin.create(core.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: RUNNER_SECRET, namespace: OPERATOR_NAMESPACE },
      stringData: { [RUNNER_NAME]: key },
    });
    const caBundle = makeWebhookCerts(certDir);
    const port = await freePort();
    op = await startOperator({
      cp,
      identity: 'bench-pipeline',
      namespace,
      args: [
        '--leader-elect=false',
        '--webhook-addr',
        `127.0.0.1:${port}`,
        '--webhook-cert-dir',
        certDir,
        '--runner-secret',
        RUNNER_SECRET,
      ],
    });
    unregister = registerWebhooks(cp.kubeconfigs.admin, namespace, port, caBundle);
    const started = startRunnerProcess({
      url: `https://127.0.0.1:${port}`,
      keyFile,
      caFile: join(certDir, 'ca.crt'),
      workspaceDir: join(dir, 'workspaces'),
      capacity: opts.concurrency,
      logPath: join(dir, 'runner.log'),
      ...(tools && { tools }),
    });
    runner = started;
    const queue = new RunnerQueue(store);
    await until(
      `${RUNNER_NAME} registered`,
      async () => {
        if (started.proc.exitCode !== null) throw new Error('exited');
        return (await queue.runner(RUNNER_NAME)) !== undefined;
      },
      60_000,
      () => started.log(),
    );

    const { tracks } = b;
    for (const w of [
      await watchObjects<RunView>(admin, runResource, namespace, (r, at) => tracks.run(r, at)),
      await watchObjects<PodView>(admin, core.pods, namespace, (p, at) => tracks.pod(p, at)),
      await watchObjects<JobView>(admin, core.jobs, namespace, (j, at) => tracks.job(j, at)),
    ])
      stops.push(w.stop);

    const figures: PipelineFigures[] = [];
    if (opts.runs) for (const path of PATHS) figures.push(await oneAfterAnother(b, path, dag, opts.runs));
    if (revision)
      figures.push(await sampleRuns(b, sampleDag(sample.spec), revision, opts.sampleRuns, opts.sampleEveryMs));
    const account = operatorLine(operatorFigures(await op.metrics(), 'pipelinerun'));
    say(`the operator's metrics, PipelineRun controller: ${account}`);
    say(`pipeline phase: ${Math.round((Date.now() - began) / 1000)} s in all, its set-up included`);
    return figures;
  } catch (err) {
    if (op) say(`the operator's last lines:\n${op.log(40)}`);
    if (runner) say(`the runner's last lines:\n${runner.log(20)}`);
    throw err;
  } finally {
    for (const stop of stops) await stop();
    await runner?.stop();
    unregister();
    await op?.stop();
    await store.close();
    await admin.delete(core.secrets, OPERATOR_NAMESPACE, RUNNER_SECRET).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the phase's size from the environment; undefined when it is to be skipped. */
export function pipelineOptionsFromEnv(env = process.env): PipelineOptions | undefined {
  const opts = {
    runs: Number(env.BOSUN_BENCH_PIPELINE_RUNS ?? 5),
    stages: Number(env.BOSUN_BENCH_PIPELINE_STAGES ?? 10),
    concurrency: Number(env.BOSUN_BENCH_PIPELINE_CONCURRENCY ?? 4),
    sleepMs: Number(env.BOSUN_BENCH_PIPELINE_SLEEP_MS ?? 200),
    sampleRuns: Number(env.BOSUN_BENCH_PIPELINE_SAMPLE_RUNS ?? 50),
    sampleEveryMs: Number(env.BOSUN_BENCH_PIPELINE_SAMPLE_EVERY_MS ?? 0),
  };
  const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (
    !whole(opts.runs, 0, 100) ||
    !whole(opts.sampleRuns, 0, 200) ||
    !whole(opts.stages, 1, 20) ||
    !whole(opts.concurrency, 1, 20)
  )
    throw new Error(
      'BOSUN_BENCH_PIPELINE_RUNS must be 0 to 100, BOSUN_BENCH_PIPELINE_SAMPLE_RUNS 0 to 200, ' +
        'BOSUN_BENCH_PIPELINE_STAGES 1 to 20 (a Pipeline holds 20), BOSUN_BENCH_PIPELINE_CONCURRENCY 1 to 20',
    );
  if (!(opts.sleepMs >= 0) || !(opts.sampleEveryMs >= 0))
    throw new Error('BOSUN_BENCH_PIPELINE_SLEEP_MS and BOSUN_BENCH_PIPELINE_SAMPLE_EVERY_MS must be 0 or more');
  return opts.runs || opts.sampleRuns ? opts : undefined;
}
