// SIGKILL the operator (at its failpoints: after a step's journalled intent,
// after the tool call, before the status write) and the runner (at random
// moments), over and over, during one PipelineRun whose stages run on the
// runner and as Jobs. The run still succeeds, and no stage attempt runs twice:
// counted from the runners' logs ("work started", per work id) and from the API
// server's audit log (Job creations, per Job name). KWOK, not a kubelet, ends
// the Jobs' pods; the runner is the real `bosun runner`, in a process of its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Component } from '../../hack/control-plane/component.js';
import { freePort } from '../../hack/control-plane/wait.js';
import { auditEvents, controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import { applyPipeline, createRun, getRun, sh } from '../support/pipelines.js';
import { STAGE_PASS_IMAGE } from '../support/stage-images.js';
import { makeWebhookCerts } from '../support/webhook.js';

const SECRET = 'bosun-runners-crash';
const retry = { max: 6, backoffSeconds: 1, factor: 1 };
/** The first operator runs are SIGKILLed at a random moment, and the runner this many times in them. */
const KILLED_RUNS = 4;
const RUNNER_KILLS = 3;

describe('a PipelineRun through operator and runner crashes', { timeout: 660_000 }, () => {
  const ns = useNamespace('plr-crash');
  const certs = makeWebhookCerts();
  const dir = mkdtempSync(join(tmpdir(), 'bosun-runner-crash-'));
  const runnerLogs: string[] = [];
  let port = 0;

  beforeAll(async () => {
    applyRiskPolicy(ns(), 'default', { approvers: { users: ['bob'] } });
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'alice-jobs', '--clusterrole=bosun-executor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'serviceaccount', 'bosun-pipeline'], { namespace: ns() });
    const key = randomBytes(32).toString('hex');
    writeFileSync(join(dir, 'key'), key, { mode: 0o600 });
    kubectl(['delete', 'secret', SECRET, '-n', 'bosun-system', '--ignore-not-found']);
    kubectlOk(['create', 'secret', 'generic', SECRET, '-n', 'bosun-system', `--from-literal=crash=${key}`]);
    port = await freePort();
  });
  afterAll(() => {
    kubectl(['delete', 'secret', SECRET, '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** The real `bosun runner`, in a process of its own, logging to a file of its own. */
  const runnerProcess = (n: number) => {
    const log = join(dir, `runner-${n}.log`);
    runnerLogs.push(log);
    return new Component(
      `runner-${n}`,
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src/cli/bosun.ts'),
        'runner',
        '--url',
        `https://127.0.0.1:${port}`,
        '--name',
        'crash',
        '--key-file',
        join(dir, 'key'),
        '--ca-file',
        join(certs.dir, 'ca.crt'),
        '--capacity',
        '3',
        '--workspace-dir',
        join(dir, 'workspaces'),
      ],
      log,
    );
  };

  it('succeeds, and no stage attempt runs twice', async () => {
    applyPipeline(ns(), 'crashy', {
      concurrency: 3,
      stages: [
        sh('a', 'sleep 1; echo a', { retry }),
        sh('b', 'sleep 2; echo b', { retry }),
        { name: 'c', agent: 'build', runOn: 'cluster', image: STAGE_PASS_IMAGE, dependsOn: ['a', 'b'], retry },
        sh('d', 'sleep 1; echo d', { dependsOn: ['c'], retry }),
        { name: 'e', agent: 'test', runOn: 'cluster', image: STAGE_PASS_IMAGE, dependsOn: ['c'], retry },
      ],
      finally: [sh('report', 'echo report', { retry })],
    });
    expect(createRun(ns(), 'crashy-1', 'crashy').code).toBe(0);

    let runs = 0;
    let operatorKills = 0;
    let runnerKills = 0;
    let runner = runnerProcess(0);
    runner.start();
    const phase = () => getRun(ns(), 'crashy-1').status?.phase;
    const deadline = Date.now() + 600_000;
    while (!['Succeeded', 'Failed', 'Cancelled'].includes(phase() ?? '')) {
      expect(Date.now(), `${JSON.stringify(getRun(ns(), 'crashy-1').status?.stages)}\n${runner.tail()}`).toBeLessThan(
        deadline,
      );
      runs += 1;
      let op: RunningOperator | undefined;
      try {
        op = await startOperator({
          cp: controlPlane(),
          identity: `plr-crash-${runs}`,
          namespace: ns(),
          args: [
            '--leader-elect=false',
            '--webhook-addr',
            `127.0.0.1:${port}`,
            '--webhook-cert-dir',
            certs.dir,
            '--runner-secret',
            SECRET,
          ],
          env: { BOSUN_FAILPOINTS: 'after-intent=0.02,after-tool=0.02,before-status=0.02' },
        });
      } catch {
        operatorKills += 1; // died before it was ready
        continue;
      }
      // the first runs are cut short by SIGKILL at a random moment, whatever the failpoints did: the operator's, and
      // the runner's (which comes back); later runs go on until a failpoint fires or the run ends
      const early = runs <= KILLED_RUNS;
      const lifetime = early ? 1500 + Math.random() * 4500 : 15_000;
      if (early && runnerKills < RUNNER_KILLS) {
        await new Promise((r) => setTimeout(r, Math.random() * lifetime));
        await runner.stop({ kill: true });
        runnerKills += 1;
        runner = runnerProcess(runnerLogs.length);
        runner.start();
      }
      const exited = await Promise.race([
        op.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), lifetime)),
      ]);
      if (exited) operatorKills += 1;
      else if (early) {
        await op.kill();
        operatorKills += 1;
      } else await op.stop();
    }
    await runner.stop();
    console.log(`ended after ${runs} operator runs: ${operatorKills} operator kills, ${runnerKills} runner kills`);
    const run = getRun(ns(), 'crashy-1');
    expect(run.status?.phase, JSON.stringify(run.status?.stages)).toBe('Succeeded');
    // the run takes longer than a few early lifetimes: it went through at least two kills of each
    expect(operatorKills).toBeGreaterThanOrEqual(2);
    expect(runnerKills).toBeGreaterThanOrEqual(2);

    // the runners' logs: every work item started at most once, and no more per stage than its attempts
    const started = new Map<string, number>();
    for (const file of runnerLogs) {
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (!line.includes('"work started"')) continue;
        const { work } = JSON.parse(line) as { work: string };
        started.set(work, (started.get(work) ?? 0) + 1);
      }
    }
    expect([...started.entries()].filter(([, n]) => n > 1)).toEqual([]);
    for (const stage of ['a', 'b', 'd', 'report']) {
      const attempts = run.status?.stages?.find((s) => s.name === stage)?.attempts ?? 0;
      const ran = [...started.keys()].filter((id) => id.startsWith(`${stage}-`)).length;
      expect(ran, `stage ${stage}`).toBeGreaterThanOrEqual(1);
      expect(ran, `stage ${stage}`).toBeLessThanOrEqual(attempts);
    }
    // the API server's audit log: every stage Job created once, and no more per stage than its attempts
    const created = auditEvents(
      (e) =>
        e.verb === 'create' &&
        e.objectRef?.resource === 'jobs' &&
        e.objectRef.namespace === ns() &&
        (e.responseStatus?.code ?? 0) < 300 &&
        !e.requestURI?.includes('dryRun'),
    ).map((e) => e.objectRef?.name ?? '');
    expect(created.length).toBe(new Set(created).size);
    for (const stage of ['c', 'e']) {
      const attempts = run.status?.stages?.find((s) => s.name === stage)?.attempts ?? 0;
      const jobs = created.filter((n) => n.startsWith(`crashy-1-${stage}-`)).length;
      expect(jobs, `stage ${stage}`).toBeGreaterThanOrEqual(1);
      expect(jobs, `stage ${stage}`).toBeLessThanOrEqual(attempts);
    }
  });
});
