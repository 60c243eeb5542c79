// Per-stage overhead of PipelineRuns: what Bosun adds around each stage's
// command, on both paths a stage can take: on a runner (`runOn: runner`: the
// operator queues each attempt in Bosun's etcd, the runner claims it over
// HTTPS and runs the command in its bubblewrap sandbox) and as a Job
// (`runOn: cluster`: a hardened Job per attempt). One operator (`bosun run`,
// its webhook server for the runners' endpoints and for the admission webhook
// that stamps each run's requester) watches the namespace `pipeline-bench`;
// the runner is the real `bosun runner` CLI as a process of its own (not the
// in-process Runner of test/support/pipelines.ts), with capacity =
// concurrency, its claim poll left at its default. Each path runs `runs`
// PipelineRuns of a Pipeline of `stages` stages (lib/pipeline-dag.ts: a root,
// a fan of four, a join, a chain of two beside a single stage, a join; ten make
// one block), spec.concurrency `concurrency`, one run after the other, each of
// its own Pipeline (so that none queues behind another), all started by alice,
// after one warm-up run per path that is not counted (the operator's first run
// fills its caches, the runner's first sandbox). A runner stage runs
// `sh -c 'sleep <sleepMs>'`; a Job stage runs registry.bosun.test/stage-pass:1,
// which Bosun's KWOK stage ends about 1 s after it started it (no container
// runs: test/support/stage-images.ts).
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
// | the pod's first watch event: the Job controller), taken → started (the
// claim's answer, the runner's started report and the sandbox's spawn | the
// scheduler and KWOK's start); the Job's parts come from two watches, whose
// deliveries can be a few ms out of order. Also ready → written, the stage's whole turn:
// the operator looks at a running stage every STAGE_POLL_MS (2 s) and an idle
// runner claims every 2 s (its default), two clocks of their own, so how a
// runner stage's turn splits between the two overheads depends on how their
// phases fall; the turn does not. Per run: its wall time (the watch's Running →
// Succeeded) over the sum of its commands' own times (ended − started), and
// over its longest path's own time (the least any scheduler could take with
// this graph), the median over the runs of a path. Nothing here is asserted.
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
import { RunnerQueue, WORK, WorkRecord } from '../../src/webhooks/runner-queue.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createNamespace } from './lib/goals.js';
import { benchDag } from './lib/pipeline-dag.js';
import { pipelineFigures, type MeasuredRun, type PipelineFigures, type PipelinePath } from './lib/pipeline-report.js';
import { runTiming, type RunMarks, type StageMarks } from './lib/pipeline-timings.js';
import {
  PIPELINE_NAMESPACE,
  RUNNER_NAME,
  RUNNER_SECRET,
  SAMPLE_DAG,
  benchPipeline,
  samplePipeline,
  registerWebhooks,
  setUpNamespace,
  startRunnerProcess,
  type RunnerProcess,
} from './lib/pipeline-workloads.js';
import { watchObjects } from './lib/watch.js';

export interface PipelineOptions {
  /** measured runs per path (one warm-up run more) */
  runs: number;
  /** stages per run (a Pipeline holds 20 at most) */
  stages: number;
  /** Pipeline spec.concurrency, and the runner's capacity */
  concurrency: number;
  /** what each runner stage's command sleeps */
  sleepMs: number;
}

const runResource = bosunResource(kindInfo('PipelineRun'));
const OPERATOR_NAMESPACE = 'bosun-system';
const FINAL = ['Succeeded', 'Failed', 'Cancelled', 'Refused', 'Denied', 'Stalled'];
const PATHS: readonly PipelinePath[] = ['runner', 'cluster'];

interface RunView {
  metadata: { name?: string };
  status?: { phase?: string; stages?: { name: string; state: string }[] };
}
interface PodView {
  metadata: { labels?: Record<string, string> };
  status?: { containerStatuses?: { state?: { running?: object; terminated?: object } }[] };
}
interface JobView {
  metadata: { labels?: Record<string, string> };
}

/** Every run's marks and last phase, as the watches see them. */
class Tracks {
  readonly marks = new Map<string, RunMarks>();
  readonly phases = new Map<string, string>();

  of(run: string): RunMarks {
    let m = this.marks.get(run);
    if (!m) this.marks.set(run, (m = { stages: {} }));
    return m;
  }
  stage(run: string, stage: string): StageMarks {
    const m = this.of(run);
    return (m.stages[stage] ??= {});
  }

  run(r: RunView, at: number) {
    const name = r.metadata.name;
    const phase = r.status?.phase;
    if (!name || !phase) return;
    this.phases.set(name, phase);
    const m = this.of(name);
    if (phase === 'Running') m.running ??= at;
    if (phase === 'Succeeded') m.succeeded ??= at;
    for (const s of r.status?.stages ?? []) if (s.state === 'Succeeded') this.stage(name, s.name).written ??= at;
  }

  /** A Job stage's pod: created (the Job controller took the Job), its container Running, then terminated. */
  pod(p: PodView, at: number) {
    const run = p.metadata.labels?.['bosun.dev/pipelinerun'];
    const stage = p.metadata.labels?.['bosun.dev/stage'];
    if (!run || !stage) return;
    const s = this.stage(run, stage);
    s.taken ??= at;
    const state = p.status?.containerStatuses?.[0]?.state;
    if (state?.running) s.started ??= at;
    if (state?.terminated) s.ended ??= at;
  }

  /** A stage's Job: Bosun handed the attempt over. */
  job(j: JobView, at: number) {
    const run = j.metadata.labels?.['bosun.dev/pipelinerun'];
    const stage = j.metadata.labels?.['bosun.dev/stage'];
    if (run && stage) this.stage(run, stage).handed ??= at;
  }

  /** A runner stage's moments, from its work records: queued, claimed, and the command's own start and end. */
  async fromWorkRecords(store: EtcdStateStore, namespace: string, run: string) {
    for (const kv of await store.listRecords(WORK)) {
      const parsed = WorkRecord.safeParse(JSON.parse(kv.value));
      if (!parsed.success) continue;
      const { item, queuedAt, claimedAt, report } = parsed.data;
      if (item.run.namespace !== namespace || item.run.name !== run) continue;
      const s = this.stage(run, item.stage);
      s.handed = Date.parse(queuedAt);
      if (claimedAt) s.taken = Date.parse(claimedAt);
      if (report?.state === 'finished' && report.finishedAt) {
        s.started = Date.parse(report.startedAt);
        s.ended = Date.parse(report.finishedAt);
      }
    }
  }
}

const runName = (path: PipelinePath, i: number) => `${path === 'cluster' ? 'job' : path}-${i}`;
/** The sample Pipeline's name in the bench's namespace. */
const SAMPLE = 'sample';

/** Both paths, the runner's first, with one operator and one runner; each path's figures. */
export async function benchPipelines(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  opts: PipelineOptions,
  say: (line: string) => void,
): Promise<PipelineFigures[]> {
  const namespace = PIPELINE_NAMESPACE;
  const dag = benchDag(opts.stages);
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-pipeline-'));
  const certDir = join(dir, 'certs');
  const alice = new KubeClient(KubeRest.load(cp.kubeconfigs.alice), 'bench-alice');
  const store = new EtcdStateStore({ endpoints: [cp.bosunEtcdUrl] });
  const tracks = new Tracks();
  let op: RunningOperator | undefined;
  let runner: RunnerProcess | undefined;
  let unregister = () => {};
  const stops: (() => Promise<void>)[] = [];
  try {
    await createNamespace(admin, namespace);
    const pipelines: object[] = PATHS.flatMap((path) =>
      Array.from({ length: opts.runs + 1 }, (_, i) => benchPipeline(runName(path, i), path, dag, opts)),
    );
    // the sample Pipeline on the sample app, served by a git daemon, its image pushed to a registry on loopback
    const tools = process.env.BOSUN_STAGE_TOOLS;
    let sample: { revision: string } | undefined;
    if (tools) {
      const git = await startGitServer();
      const registry = await startRegistry(join(tools, 'bin'));
      stops.push(git.stop, registry.stop);
      const revision = git.commitTree('sample-app', [join(repoRoot, 'samples', 'app')], { message: 'the sample app' });
      pipelines.push(samplePipeline(SAMPLE, git.url('sample-app'), `${registry.host}/sample-app`));
      sample = { revision };
    } else say('the sample Pipeline is left out: BOSUN_STAGE_TOOLS is not set (hack/bench.sh sets it)');
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

    for (const w of [
      await watchObjects<RunView>(admin, runResource, namespace, (r, at) => tracks.run(r, at)),
      await watchObjects<PodView>(admin, core.pods, namespace, (p, at) => tracks.pod(p, at)),
      await watchObjects<JobView>(admin, core.jobs, namespace, (j, at) => tracks.job(j, at)),
    ])
      stops.push(w.stop);

    const figures: PipelineFigures[] = [];
    for (const path of sample ? [...PATHS, 'sample' as const] : PATHS) {
      const stages = path === 'sample' ? SAMPLE_DAG : dag;
      say(
        `${path}: ${opts.runs + 1} runs of ${stages.length} stages in ${namespace} (the first a warm-up), ` +
          'one after the other',
      );
      const results: MeasuredRun[] = [];
      for (let i = 0; i <= opts.runs; i++) {
        const name = runName(path, i);
        const [pipeline, revision] = path === 'sample' ? [SAMPLE, sample?.revision ?? ''] : [name, 'a1b2c3d'];
        await alice.create(runResource, {
          apiVersion: API_VERSION,
          kind: 'PipelineRun',
          metadata: { name, namespace },
          spec: { pipelineRef: { name: pipeline }, revision, trigger: { type: 'manual' } },
        });
        const phase = await ended(tracks, name, 60_000 + stages.length * 15_000);
        if (path !== 'cluster') await tracks.fromWorkRecords(store, namespace, name);
        const timing = runTiming(stages, tracks.of(name));
        if (phase !== 'Succeeded') say(`${name} ended ${phase}`);
        results.push({ phase, ...(timing && { timing }) });
      }
      const [warm, ...measured] = results;
      figures.push(pipelineFigures(path, stages.length, measured, warm?.timing));
    }
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

/** Waits (no longer than `ms`) until the run is in a final phase; its phase then (or the last one seen). */
async function ended(tracks: Tracks, run: string, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  const phase = () => tracks.phases.get(run) ?? 'none';
  while (!FINAL.includes(phase()) && Date.now() < deadline) await sleep(100);
  return phase();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the phase's size from the environment; undefined when it is to be skipped. */
export function pipelineOptionsFromEnv(env = process.env): PipelineOptions | undefined {
  const runs = Number(env.BOSUN_BENCH_PIPELINE_RUNS ?? 5);
  if (!runs) return undefined;
  const opts = {
    runs,
    stages: Number(env.BOSUN_BENCH_PIPELINE_STAGES ?? 10),
    concurrency: Number(env.BOSUN_BENCH_PIPELINE_CONCURRENCY ?? 4),
    sleepMs: Number(env.BOSUN_BENCH_PIPELINE_SLEEP_MS ?? 200),
  };
  const whole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  if (!whole(opts.runs, 1, 100) || !whole(opts.stages, 1, 20) || !whole(opts.concurrency, 1, 20))
    throw new Error(
      'BOSUN_BENCH_PIPELINE_RUNS must be 0 to 100, BOSUN_BENCH_PIPELINE_STAGES 1 to 20 (a Pipeline holds 20), ' +
        'BOSUN_BENCH_PIPELINE_CONCURRENCY 1 to 20',
    );
  if (!(opts.sleepMs >= 0)) throw new Error('BOSUN_BENCH_PIPELINE_SLEEP_MS must be 0 or more');
  return opts;
}
