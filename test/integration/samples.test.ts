// What a newcomer meets: the free-text sample Goal (config/samples/goal-diagnose.yaml) on a
// cluster with no model set up waits, saying how to set one up, and is planned once one exists;
// the sample Remediation heals the sample Deployment whose pods a KWOK stage OOM-kills, as
// hack/local-up.ts shows it; the sample PipelineRun runs the stage agents on the sample app, served by a git
// daemon, on a runner (the real one, in this process, with its bubblewrap sandbox and the stage tools).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../hack/control-plane/git-server.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { startRegistry } from '../../hack/stage-run.js';
import { parse } from 'yaml';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import {
  getPipeline,
  runnerSecret,
  stageOf,
  stageTools,
  startRunner,
  waitRun,
  type TestRunner,
} from '../support/pipelines.js';
import { makeWebhookCerts } from '../support/webhook.js';
import { waitRemediation } from '../support/remediations.js';
import { getDeployment } from '../support/workloads.js';
import type { GoalJson } from './goal-controller.test.js';

interface PodList {
  items: { status?: { containerStatuses?: { lastState?: { terminated?: { reason?: string } } }[] } }[];
}

const sample = (file: string) => join(repoRoot, 'config', 'samples', file);

interface PipelineDoc {
  spec: { source: { repo: string }; build: { image: string } };
}

describe('the free-text sample Goal without a model', () => {
  const ns = useNamespace('samples');
  let op: RunningOperator;
  let fake: FakeProvider | undefined;
  const goal = () =>
    JSON.parse(kubectlOk(['get', 'goal', 'why-is-web-slow', '-o', 'json'], { namespace: ns() })) as GoalJson;
  const phase = (want: string) =>
    until(
      `why-is-web-slow ${want}`,
      async () => goal().status?.phase === want,
      60_000,
      () => `${JSON.stringify(goal().status)}\n${op.log(30)}`,
    );

  beforeAll(async () => {
    // as hack/local-up.ts does: the namespace's RiskPolicy first, then the samples
    kubectlOk(['apply', '-f', sample('riskpolicy.yaml')], { namespace: ns() });
    kubectlOk(['apply', '-f', sample('deployment-web.yaml'), '-f', sample('goal-diagnose.yaml')], { namespace: ns() });
    // a short resync stands in for the minute a waiting Goal takes to look again
    op = await startOperator({
      cp: controlPlane(),
      identity: 'samples',
      namespace: ns(),
      args: ['--resync-seconds', '2'],
    });
  });
  afterAll(async () => {
    await op?.stop();
    await fake?.close();
  });

  it('waits (Pending, not Stalled), saying how to set up a ModelProvider', async () => {
    await phase('Pending');
    const conditions = goal().status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Stalled')).toBeUndefined();
    const ready = conditions.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'NoModelProvider' });
    expect(ready?.message).toMatch(/waiting for a ModelProvider named default in .*: create one/);
    expect(ready?.message).toMatch(/config\/samples\/modelprovider\.yaml/);
    expect(kubectlOk(['describe', 'goal', 'why-is-web-slow'], { namespace: ns() })).toMatch(
      /Normal\s+NoModelProvider\s+.*waiting for a ModelProvider/,
    );
  });

  it('is planned once a ModelProvider named default exists', async () => {
    fake = await startFakeProvider('ollama', [
      {
        plan: {
          steps: [
            {
              tool: 'k8s.events',
              params: { target: 'deployment/web' },
              description: "read web's recent Events",
              reasoning: 'slowness often shows as restarts or failed probes',
              risk: 'low',
            },
          ],
          risk: 'low',
          reasoning: 'look before changing anything',
        },
      },
    ]);
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'ModelProvider',
        metadata: { name: 'default' },
        spec: { provider: 'ollama', baseURL: fake.baseURL, models: { low: 'a', medium: 'b', high: 'c' } },
      }),
    });
    await phase('Planned'); // the sample is plan-only
    const status = goal().status;
    expect(status?.plan?.steps[0]).toMatchObject({ tool: 'k8s.events', state: 'Succeeded' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Planned' });
    expect(status?.conditions?.find((c) => c.type === 'Reconciling')).toBeUndefined();
  });

  it('the sample Remediation heals the sample Deployment: its memory limit is raised, and it is Healed', async () => {
    // as hack/local-up.ts does: the Deployment first, the Remediation once its pods have failed
    kubectlOk(['apply', '-f', sample('deployment-cache.yaml')], { namespace: ns() });
    await until(
      'the cache pods to be OOM-killed',
      async () =>
        (
          JSON.parse(kubectlOk(['get', 'pods', '-l', 'app=cache', '-o', 'json'], { namespace: ns() })) as PodList
        ).items.some((p) => p.status?.containerStatuses?.some((c) => c.lastState?.terminated?.reason === 'OOMKilled')),
      60_000,
    );
    kubectlOk(['apply', '-f', sample('remediation.yaml')], { namespace: ns() });
    const healed = await waitRemediation(ns(), 'cache-oom', 'Healed', () => op.log(30));
    expect(healed.status?.diagnosis?.symptom).toBe('OOMKilled');
    expect(healed.status?.heals?.map((h) => [h.playbook, h.result])).toEqual([['raise-memory', 'Healed']]);
    expect(healed.status?.verification?.result).toBe('Passed');
    // 32Mi × the sample RiskPolicy's memoryFactor 1.5, under its maxMemory 1Gi
    expect(getDeployment(ns(), 'cache').spec.template.spec.containers[0]?.resources?.limits?.memory).toBe('48Mi');
    expect(kubectlOk(['get', 'remediations'], { namespace: ns() })).toMatch(
      /^cache-oom\s+Healed\s+Deployment\s+cache\s+manual\s+1\s/m,
    );
    const described = kubectlOk(['describe', 'remediation', 'cache-oom'], { namespace: ns() });
    for (const reason of ['Diagnosed', 'Planned', 'StepSucceeded', 'Verifying', 'Healed'])
      expect(described).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
  });
});

describe('the sample Pipeline and PipelineRun', { timeout: 420_000 }, () => {
  const ns = useNamespace('samples-ci');
  const certs = makeWebhookCerts();
  const tools = stageTools();
  let op: RunningOperator;
  let runner: TestRunner;
  let git: GitServer;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  const more = () => `${op.log(30)}\n${runner?.logs.slice(-10).join('')}`;

  beforeAll(async () => {
    git = await startGitServer();
    registry = await startRegistry(join(tools, 'bin'));
    kubectlOk(['apply', '-f', sample('riskpolicy.yaml')], { namespace: ns() });
    const key = runnerSecret('bosun-runners-samples', 'local');
    const port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'samples-ci',
      namespace: ns(),
      args: [
        '--webhook-addr',
        `127.0.0.1:${port}`,
        '--webhook-cert-dir',
        certs.dir,
        '--runner-secret',
        'bosun-runners-samples',
      ],
    });
    runner = await startRunner({ url: `https://127.0.0.1:${port}`, name: 'local', key, certDir: certs.dir, tools });
  });
  afterAll(async () => {
    await runner?.stop();
    await op?.stop();
    await git?.stop();
    await registry?.stop();
    kubectl(['delete', 'secret', 'bosun-runners-samples', '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('runs the stage agents on the sample app, every stage with its result, as hack/local-up.ts shows it', async () => {
    const pipeline = parse(readFileSync(sample('pipeline.yaml'), 'utf8')) as PipelineDoc;
    const run = parse(readFileSync(sample('pipelinerun.yaml'), 'utf8')) as { spec: { revision: string } };
    // local-up commits samples/app as it is, with fixed times: the sample run names that commit
    const revision = git.commitTree('sample-app', [join(repoRoot, 'samples', 'app')], { message: 'the sample app' });
    expect(revision, `samples/app changed: set config/samples/pipelinerun.yaml's revision to ${revision}`).toBe(
      run.spec.revision,
    );
    // the addresses local-up serves on (git daemon 9418, registry 5000), here on ports of this test's own
    expect(pipeline.spec.source.repo).toBe('git://127.0.0.1:9418/sample-app.git');
    expect(pipeline.spec.build.image).toBe('127.0.0.1:5000/sample-app');
    pipeline.spec.source.repo = git.url('sample-app');
    pipeline.spec.build.image = `${registry.host}/sample-app`;
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: JSON.stringify(pipeline) });
    kubectlOk(['apply', '-f', sample('pipelinerun.yaml')], { namespace: ns() });
    const done = await waitRun(ns(), 'web-b7907d8', 'Succeeded', more, 360_000);
    expect(done.status?.stages?.map((s) => [s.name, s.state])).toEqual([
      ['lint', 'Succeeded'],
      ['test', 'Succeeded'],
      ['build', 'Succeeded'],
      ['security', 'Succeeded'],
      ['report', 'Succeeded'],
    ]);
    expect(stageOf(done, 'lint')?.findings).toMatchObject({ lintErrors: 0 });
    expect(stageOf(done, 'test')?.findings).toMatchObject({ testsFailed: 0 });
    expect(stageOf(done, 'test')?.findings?.testsPassed).toBeGreaterThan(0);
    expect(stageOf(done, 'build')?.findings?.image).toMatch(/\/sample-app@sha256:[0-9a-f]{64}$/);
    expect(stageOf(done, 'security')?.findings?.vulnerabilities).toMatchObject({ critical: 0, high: 0 });
    await until(
      'the Pipeline counts it',
      async () => getPipeline(ns(), 'web').status?.successCount === 1,
      30_000,
      more,
    );
    expect(kubectlOk(['get', 'pipelineruns'], { namespace: ns() })).toMatch(/web-b7907d8\s+web\s+Succeeded\s+5\/5/);
  });
});
