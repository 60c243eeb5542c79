// PipelineRuns whose stages run on a runner: the real operator (its runners'
// endpoints on its HTTPS server, its work queue in Bosun's etcd) and the real
// runner (in this process), which runs each stage command in its bubblewrap
// sandbox. The DAG, failures and finally, retry delays, cancel, resume and the
// halt are read from the runs' status, Events and the action log; forged,
// replayed and late runner requests are sent by hand.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { RUNNER_PATHS } from '../../src/runner/protocol.js';
import { signRequest } from '../../src/runner/sign.js';
import { EtcdStateStore } from '../../src/store/etcd-store.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import {
  applyPipeline,
  createRun,
  getPipeline,
  getRun,
  runnerSecret,
  sh,
  stageOf,
  startRunner,
  waitRun,
  type TestRunner,
} from '../support/pipelines.js';
import { makeWebhookCerts } from '../support/webhook.js';

const SECRET = 'bosun-runners';
const at = (t: string | undefined) => Date.parse(t ?? '');

describe('PipelineRuns on a runner', { timeout: 300_000 }, () => {
  const ns = useNamespace('runs');
  const certs = makeWebhookCerts();
  let op: RunningOperator;
  let runner: TestRunner;
  let store: EtcdStateStore;
  let port = 0;
  const more = () => `${op.log(40)}\n${runner?.logs.slice(-20).join('')}`;

  const actions = async (name: string) => {
    const out: { action: string; detail: Record<string, unknown> }[] = [];
    for await (const line of store.exportActions({ kind: 'PipelineRun', namespace: ns(), name }))
      out.push(JSON.parse(line));
    return out;
  };

  beforeAll(async () => {
    applyRiskPolicy(ns(), 'default', { approvers: { users: ['bob'] } });
    // alice starts the runs: she may create them (bosun-editor), and each runs on her rights
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    const key = runnerSecret(SECRET, 'r1');
    port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'pipelinerun-runner',
      args: ['--webhook-addr', `127.0.0.1:${port}`, '--webhook-cert-dir', certs.dir, '--runner-secret', SECRET],
    });
    store = new EtcdStateStore({ endpoints: [controlPlane().bosunEtcdUrl] });
    runner = await startRunner({ url: `https://127.0.0.1:${port}`, name: 'r1', key, certDir: certs.dir });
  });
  afterAll(async () => {
    await runner?.stop();
    await op?.stop();
    await store?.close();
    kubectl(['delete', 'secret', SECRET, '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('runs stages in DAG order, the independent ones at the same time, and the finally stage last', async () => {
    applyPipeline(ns(), 'dag', {
      stages: [
        sh('lint', 'sleep 3'),
        sh('test', 'sleep 3'),
        sh('build', 'echo built', { dependsOn: ['lint', 'test'] }),
      ],
      finally: [sh('report', 'echo reported')],
    });
    expect(createRun(ns(), 'dag-1', 'dag').code).toBe(0);
    const run = await waitRun(ns(), 'dag-1', 'Succeeded', more);
    const [lint, test, build, report] = ['lint', 'test', 'build', 'report'].map((s) => stageOf(run, s));
    // lint and test overlap: each started before the other finished
    expect(at(lint?.startedAt)).toBeLessThan(at(test?.finishedAt));
    expect(at(test?.startedAt)).toBeLessThan(at(lint?.finishedAt));
    // build after both, report after everything
    expect(at(build?.startedAt)).toBeGreaterThanOrEqual(Math.max(at(lint?.finishedAt), at(test?.finishedAt)));
    expect(at(report?.startedAt)).toBeGreaterThanOrEqual(at(build?.finishedAt));
    expect(run.status?.progress).toBe('4/4');
    expect(run.spec.requester?.username).toBe('alice');
    const described = kubectlOk(['describe', 'pipelinerun', 'dag-1'], { namespace: ns() });
    for (const reason of ['StageStarted', 'StageSucceeded', 'RunSucceeded']) expect(described).toContain(reason);
    // the command's own output, in the run's action log
    const outputs = (await actions('dag-1')).filter((a) => a.action === 'StageOutput');
    expect(outputs.find((a) => a.detail.stage === 'build')?.detail.output).toContain('built');
  });

  it('a failing stage skips what depends on it, the finally stage still runs, and the run names the stage', async () => {
    applyPipeline(ns(), 'fails', {
      stages: [sh('lint', 'echo "2 errors" >&2; exit 3'), sh('build', 'true', { dependsOn: ['lint'] })],
      finally: [sh('report', 'true')],
    });
    createRun(ns(), 'fails-1', 'fails');
    const run = await waitRun(ns(), 'fails-1', 'Failed', more);
    expect(stageOf(run, 'lint')).toMatchObject({ state: 'Failed', exitCode: 3, message: 'exit code 3' });
    expect(stageOf(run, 'build')).toMatchObject({ state: 'Skipped', message: 'lint did not succeed (Failed)' });
    expect(stageOf(run, 'report')?.state).toBe('Succeeded');
    expect(run.status?.failedStage).toBe('lint');
    expect(kubectlOk(['get', 'pipelinerun', 'fails-1'], { namespace: ns() })).toMatch(/Failed\s+3\/3\s+lint/);
  });

  it('retries a failing stage after its delay, each delay longer by the factor (from the status timestamps)', async () => {
    applyPipeline(ns(), 'retries', {
      stages: [sh('flaky', 'exit 1', { retry: { max: 2, backoffSeconds: 2, factor: 2 } })],
    });
    createRun(ns(), 'retries-1', 'retries');
    const run = await waitRun(ns(), 'retries-1', 'Failed', more);
    const h = stageOf(run, 'flaky')?.history ?? [];
    expect(h.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(at(h[1]?.startedAt) - at(h[0]?.finishedAt)).toBeGreaterThanOrEqual(2000);
    expect(at(h[2]?.startedAt) - at(h[1]?.finishedAt)).toBeGreaterThanOrEqual(4000);
    expect(kubectlOk(['describe', 'pipelinerun', 'retries-1'], { namespace: ns() })).toContain('StageRetrying');
  });

  it('cancel stops a running sandboxed command, and the finally stage still runs', async () => {
    applyPipeline(ns(), 'long', {
      stages: [sh('soak', 'sleep 317'), sh('after', 'true', { dependsOn: ['soak'] })],
      finally: [sh('report', 'true')],
    });
    createRun(ns(), 'long-1', 'long');
    await until('soak running', async () => stageOf(getRun(ns(), 'long-1'), 'soak')?.state === 'Running', 60_000, more);
    await until('sleep 317 started', async () => sleeping().length > 0, 60_000, more);
    kubectlOk(['patch', 'pipelinerun', 'long-1', '--type=merge', '-p', '{"spec":{"status":"Cancelled"}}'], {
      namespace: ns(),
    });
    const run = await waitRun(ns(), 'long-1', 'Cancelled', more);
    expect(stageOf(run, 'soak')?.state).toBe('Cancelled');
    expect(stageOf(run, 'after')?.state).toBe('Cancelled');
    expect(stageOf(run, 'report')?.state).toBe('Succeeded');
    await until('the sandboxed sleep is gone', async () => sleeping().length === 0, 30_000, more);
  });

  it('resumes from the failed stage: what passed at the same revision is reused, the rest runs again', async () => {
    const stages = (fix: boolean) => [
      sh('prepare', 'echo prepared'),
      sh('test', fix ? 'echo fixed' : 'exit 1', { dependsOn: ['prepare'] }),
      sh('package', 'echo packaged', { dependsOn: ['test'] }),
    ];
    applyPipeline(ns(), 'resume', { stages: stages(false) });
    createRun(ns(), 'resume-1', 'resume');
    await waitRun(ns(), 'resume-1', 'Failed', more);
    applyPipeline(ns(), 'resume', { stages: stages(true) }); // the fix
    createRun(ns(), 'resume-2', 'resume', { resumeFrom: 'resume-1' });
    const run = await waitRun(ns(), 'resume-2', 'Succeeded', more);
    expect(stageOf(run, 'prepare')).toMatchObject({ state: 'Reused', reusedFrom: 'resume-1' });
    expect(stageOf(run, 'test')?.state).toBe('Succeeded');
    expect(stageOf(run, 'package')?.state).toBe('Succeeded');
    // only what ran again ran: no output of prepare in the second run
    const ran = (await actions('resume-2')).filter((a) => a.action === 'StageOutput').map((a) => a.detail.stage);
    expect(ran.sort()).toEqual(['package', 'test']);
  });

  it('halts after haltAfterFailures failed runs in a row, refuses new runs, and runs again once resumed', async () => {
    applyPipeline(ns(), 'halts', { stages: [sh('t', 'exit 1')], haltAfterFailures: 2 });
    for (const name of ['halts-1', 'halts-2']) {
      createRun(ns(), name, 'halts');
      await waitRun(ns(), name, 'Failed', more);
    }
    await until('halted', async () => getPipeline(ns(), 'halts').status?.halted !== undefined, 30_000, more);
    createRun(ns(), 'halts-3', 'halts');
    const refused = await waitRun(ns(), 'halts-3', 'Refused', more);
    const ready = refused.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ reason: 'PipelineHalted' });
    expect(ready?.message).toContain('kubectl bosun pipeline resume halts');
    expect(kubectlOk(['describe', 'pipeline', 'halts'], { namespace: ns() })).toMatch(/Warning\s+Halted/);
    kubectlOk(['annotate', 'pipeline', 'halts', `bosun.dev/resumed-at=${new Date(Date.now() + 1000).toISOString()}`], {
      namespace: ns(),
    });
    await until('resumed', async () => getPipeline(ns(), 'halts').status?.halted === undefined, 30_000, more);
    createRun(ns(), 'halts-4', 'halts');
    expect((await waitRun(ns(), 'halts-4', 'Failed', more)).status?.stages?.[0]?.attempts).toBe(1);
  });

  it('Queue: a second run waits for the running one; CancelPrevious cancels the one running', async () => {
    applyPipeline(ns(), 'queued', { stages: [sh('t', 'sleep 3')] });
    createRun(ns(), 'queued-1', 'queued');
    await waitRun(ns(), 'queued-1', 'Running', more);
    createRun(ns(), 'queued-2', 'queued');
    const waiting = await waitRun(ns(), 'queued-2', 'Queued', more);
    expect(waiting.status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain('waiting for run queued-1');
    const first = await waitRun(ns(), 'queued-1', 'Succeeded', more);
    const second = await waitRun(ns(), 'queued-2', 'Succeeded', more);
    expect(at(stageOf(second, 't')?.startedAt)).toBeGreaterThanOrEqual(at(stageOf(first, 't')?.finishedAt));

    applyPipeline(ns(), 'latest', { stages: [sh('t', 'sleep 317')], concurrencyPolicy: 'CancelPrevious' });
    createRun(ns(), 'latest-1', 'latest');
    await until('latest-1 runs', async () => stageOf(getRun(ns(), 'latest-1'), 't')?.state === 'Running', 60_000, more);
    createRun(ns(), 'latest-2', 'latest');
    await waitRun(ns(), 'latest-1', 'Cancelled', more);
    await until('latest-2 runs', async () => stageOf(getRun(ns(), 'latest-2'), 't')?.state === 'Running', 60_000, more);
    kubectlOk(['patch', 'pipelinerun', 'latest-2', '--type=merge', '-p', '{"spec":{"status":"Cancelled"}}'], {
      namespace: ns(),
    });
    await waitRun(ns(), 'latest-2', 'Cancelled', more);
  });

  it('a forged, replayed or late runner request is refused and changes nothing', async () => {
    applyPipeline(ns(), 'guarded', { stages: [sh('wait', 'sleep 311')] });
    createRun(ns(), 'guarded-1', 'guarded');
    await until('running', async () => stageOf(getRun(ns(), 'guarded-1'), 'wait')?.state === 'Running', 60_000, more);
    const work = await store.listRecords('runner/work/');
    const id = work
      .map((w) => JSON.parse(w.value) as { item: { id: string; stage: string } })
      .find((w) => w.item.stage === 'wait')?.item.id;
    expect(id).toBeDefined();
    const report = JSON.stringify({
      runner: 'r1',
      id,
      state: 'finished',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      outcome: 'exited',
      exitCode: 0,
    });
    const path = RUNNER_PATHS.report;
    const ca = readFileSync(join(certs.dir, 'ca.crt'), 'utf8');
    const post = (body: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            ca,
            headers: { 'content-type': 'application/json', ...headers },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const key = Buffer.from(runner.key, 'utf8');
    const unsigned = await post(report, {});
    const forged = await post(
      report,
      signRequest(Buffer.alloc(32, 7), { method: 'POST', path, runner: 'r1', body: report }),
    );
    const late = await post(
      report,
      signRequest(key, { method: 'POST', path, runner: 'r1', body: report }, Date.now() - 120_000),
    );
    // a request the runner really sent (a heartbeat), sent again
    const beat = JSON.stringify({ runner: 'r1', running: [] });
    const beatHeaders = signRequest(key, { method: 'POST', path: RUNNER_PATHS.heartbeat, runner: 'r1', body: beat });
    const once = await new Promise<number>((resolve) => {
      const req = https.request(
        { host: '127.0.0.1', port, path: RUNNER_PATHS.heartbeat, method: 'POST', ca, headers: beatHeaders },
        (res) => (res.resume(), resolve(res.statusCode ?? 0)),
      );
      req.end(beat);
    });
    const replay = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = https.request(
        { host: '127.0.0.1', port, path: RUNNER_PATHS.heartbeat, method: 'POST', ca, headers: beatHeaders },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.end(beat);
    });
    expect([unsigned.status, forged.status, late.status, once, replay.status]).toEqual([401, 401, 401, 200, 401]);
    expect(JSON.parse(unsigned.body).reason).toBe('Unsigned');
    expect(JSON.parse(forged.body).reason).toBe('BadSignature');
    expect(JSON.parse(late.body).reason).toBe('Late');
    expect(JSON.parse(replay.body).reason).toBe('Replayed');
    // nothing changed: the stage still runs
    await new Promise((r) => setTimeout(r, 3000));
    expect(stageOf(getRun(ns(), 'guarded-1'), 'wait')?.state).toBe('Running');
    kubectlOk(['patch', 'pipelinerun', 'guarded-1', '--type=merge', '-p', '{"spec":{"status":"Cancelled"}}'], {
      namespace: ns(),
    });
    await waitRun(ns(), 'guarded-1', 'Cancelled', more);
  });
});

/** The host's processes running `sleep 317` (the sandbox's PID namespace hides nothing from the host). */
function sleeping(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.startsWith('sleep 317')) out.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
