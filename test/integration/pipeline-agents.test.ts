// The founding story, end to end on the real control plane: the sample app in a
// git repository served by a real git daemon, the real runner with the stage
// tools this project builds (ESLint, node --test, crane, Trivy) in its
// sandbox, go-containerregistry's registry on loopback, and the report told to
// a loopback Slack webhook and the loopback GitHub API through their own SDKs.
// lint ok → test fails on 2 tests → retry → success → build ok → the security
// scan finds one high → the run fails, the Pipeline halts, Slack is told.
// Then a deploy to a protected environment waits for an Approval and runs the
// built digest only after it, and a rollout that fails is rolled back.
// (KWOK, not a kubelet, moves the deployed pods through their states.)
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../hack/control-plane/git-server.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { startRegistry } from '../../hack/stage-run.js';
import { controlPlane, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { startFakeGitHub, type FakeGitHub } from '../support/github-api.js';
import { applyRiskPolicy, approveAs, getGoal, waitPhase } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { repoRoot } from '../support/paths.js';
import {
  applyPipeline,
  createRun,
  getPipeline,
  getRun,
  runnerSecret,
  stageOf,
  stageTools,
  startRunner,
  waitRun,
  type TestRunner,
} from '../support/pipelines.js';
import { startFakeSlack, type FakeSlack } from '../support/slack-api.js';
import { createDeployment, getDeployment } from '../support/workloads.js';
import { makeWebhookCerts } from '../support/webhook.js';

const SECRET = 'bosun-runners';
const APP = join(repoRoot, 'samples', 'app');
const FOUNDING = join(repoRoot, 'test', 'fixtures', 'sample-app-founding');
const TOKEN = 'ghp_bosunTestToken0123456789abcdef0123';

describe('stage agents on the sample app', { timeout: 600_000 }, () => {
  const ns = useNamespace('agents');
  const prod = useNamespace('agents-prod');
  const certs = makeWebhookCerts();
  const tools = stageTools();
  let op: RunningOperator;
  let runner: TestRunner;
  let git: GitServer;
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let slack: FakeSlack;
  let github: FakeGitHub;
  const more = () => `${op.log(60)}\n${runner?.logs.slice(-30).join('')}`;

  /** Waits for the deploy stage's Goal to wait for its Approval (which exists); the failure shows the run's stages. */
  const awaitingApproval = (goal: string, run: string) =>
    until(
      `${goal} to wait for approval`,
      async () => {
        const g = JSON.parse(kubectl(['get', 'goal', goal, '-o', 'json'], { namespace: prod() }).stdout || '{}');
        const approval = g.status?.approvalRef;
        return (
          g.status?.phase === 'AwaitingApproval' &&
          !!approval &&
          kubectl(['get', 'approval', approval], { namespace: prod() }).code === 0
        );
      },
      Number(process.env.BOSUN_DEPLOY_WAIT_MS ?? 300_000),
      () => `${JSON.stringify(getRun(ns(), run).status?.stages, null, 1)}\n${more()}`,
    );

  const pipeline = (name: string, o: { image?: string; deploy?: boolean } = {}) => ({
    source: { repo: git.url('sample-app'), branch: 'main', github: 'example/sample-app' },
    build: { image: `${registry.host}/${o.image ?? 'sample-app'}` },
    stages: [
      { name: 'lint', agent: 'lint' },
      { name: 'test', agent: 'test', retry: { max: 1, backoffSeconds: 1 } },
      { name: 'build', agent: 'build', dependsOn: ['lint', 'test'], network: true },
      { name: 'security', agent: 'security', dependsOn: ['build'], network: true },
      ...(o.deploy === false ? [] : [{ name: 'deploy', agent: 'deploy', dependsOn: ['security'] }]),
    ],
    finally: [{ name: 'report', agent: 'report' }],
    deploy: { environment: 'production', namespace: prod(), target: 'deployment/web' },
    notify: [
      { type: 'slack', secretRef: { name: 'slack', key: 'url' }, on: ['failure', 'halt'] },
      { type: 'github-status', secretRef: { name: 'github', key: 'token' }, apiUrl: github.baseURL },
    ],
    haltAfterFailures: 3,
  });

  beforeAll(async () => {
    [git, registry, slack, github] = await Promise.all([
      startGitServer(),
      startRegistry(join(tools, 'bin')),
      startFakeSlack(),
      startFakeGitHub({ repository: 'example/sample-app', token: TOKEN }),
    ]);
    // the runs need no approval here; the deploys' Goals live in prod, which its RiskPolicy protects: they wait
    applyRiskPolicy(ns(), 'default', { levels: { medium: 'auto' }, approvers: { users: ['bob'] } });
    applyRiskPolicy(prod(), 'default', {
      levels: { medium: 'auto' },
      approvers: { users: ['bob'] },
      protectedNamespaces: ['kube-system', prod()],
    });
    // alice starts the runs (bosun-editor), may read the notify Secrets, and may deploy to prod (with a Goal there)
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(
      [
        'create',
        'role',
        'notify-secrets',
        '--verb=get',
        '--resource=secrets',
        '--resource-name=slack',
        '--resource-name=github',
      ],
      { namespace: ns() },
    );
    kubectlOk(['create', 'rolebinding', 'alice-notify', '--role=notify-secrets', '--user=alice'], { namespace: ns() });
    kubectlOk(['create', 'rolebinding', 'alice-deploys', '--clusterrole=edit', '--user=alice'], { namespace: prod() });
    kubectlOk(['create', 'rolebinding', 'alice-goals', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: prod(),
    });
    // bob approves there
    kubectlOk(['create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob'], {
      namespace: prod(),
    });
    // Bosun reads the notify Secrets of this namespace (bosun-secret-reader, bound per namespace)
    kubectlOk(
      [
        'create',
        'rolebinding',
        'bosun-secret-reader',
        '--clusterrole=bosun-secret-reader',
        '--serviceaccount=bosun-system:bosun',
      ],
      { namespace: ns() },
    );
    kubectlOk(['create', 'secret', 'generic', 'slack', `--from-literal=url=${slack.url}`], { namespace: ns() });
    kubectlOk(['create', 'secret', 'generic', 'github', `--from-literal=token=${TOKEN}`], { namespace: ns() });
    await createDeployment(prod(), 'web', { replicas: 1 });
    const key = runnerSecret(SECRET, 'agents');
    const port = await freePort();
    op = await startOperator({
      cp: controlPlane(),
      identity: 'pipeline-agents',
      args: ['--webhook-addr', `127.0.0.1:${port}`, '--webhook-cert-dir', certs.dir, '--runner-secret', SECRET],
    });
    runner = await startRunner({ url: `https://127.0.0.1:${port}`, name: 'agents', key, certDir: certs.dir, tools });
  });
  afterAll(async () => {
    await runner?.stop();
    await op?.stop();
    await Promise.all([git?.stop(), registry?.stop(), slack?.close(), github?.close()]);
    kubectl(['delete', 'secret', SECRET, '-n', 'bosun-system', '--ignore-not-found']);
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('lint ok, 2 tests fail then pass on retry, build pushes, scan finds one high: halted, Slack told', async () => {
    const sha = git.commitTree('sample-app', [APP, FOUNDING], { message: 'a flaky test and a planted token' });
    github.commits.push(sha);
    applyPipeline(ns(), 'founding', pipeline('founding'));
    expect(createRun(ns(), 'founding-1', 'founding', { revision: sha }).code).toBe(0);
    const run = await waitRun(ns(), 'founding-1', 'Failed', more, 420_000);

    const lint = stageOf(run, 'lint');
    expect(lint).toMatchObject({ state: 'Succeeded', attempts: 1, findings: { lintErrors: 0 } });
    const test = stageOf(run, 'test');
    expect(test).toMatchObject({ state: 'Succeeded', attempts: 2, findings: { testsFailed: 0 } });
    // the first attempt failed on the 2 flaky tests: its exit code and the counts are in the history
    expect(test?.history?.[0]).toMatchObject({ attempt: 1, exitCode: 1 });
    expect(test?.history?.[0]?.reason).toMatch(/2 .*failed/);
    const build = stageOf(run, 'build');
    expect(build?.state).toBe('Succeeded');
    const image = build?.findings?.image ?? '';
    expect(image).toMatch(new RegExp(`^${registry.host}/sample-app@sha256:[0-9a-f]{64}$`));
    // the registry has it, by that digest
    const digest = execFileSync(join(tools, 'bin', 'crane'), ['digest', image], { encoding: 'utf8' }).trim();
    expect(image.endsWith(digest)).toBe(true);
    const security = stageOf(run, 'security');
    expect(security).toMatchObject({ state: 'Failed', attempts: 1 });
    expect(security?.findings?.vulnerabilities).toMatchObject({ critical: 0, high: 1 });
    expect(security?.message).toMatch(/^SecurityThreshold: 1 high at or above the threshold \(high\)/);
    expect(stageOf(run, 'deploy')?.state).toBe('Skipped');
    expect(stageOf(run, 'report')?.state).toBe('Succeeded');
    expect(run.status?.failedStage).toBe('security');

    // the Pipeline halts at once (haltAfterFailures is 3): new runs are refused until it is resumed
    await until('the Pipeline to halt', async () => !!getPipeline(ns(), 'founding').status?.halted, 30_000, more);
    expect(getPipeline(ns(), 'founding').status?.halted?.message).toMatch(/SecurityThreshold/);

    // Slack: one message, the halt, with the report's counts
    expect(slack.messages).toHaveLength(1);
    const told = JSON.stringify(slack.messages[0]);
    expect(told).toMatch(/halt/i);
    for (const s of ['lint', 'test', 'build', 'security']) expect(told).toContain(s);
    expect(told).toMatch(/1 high/);
    // GitHub: a commit status per stage and one overall, on the revision, with the token
    const statuses = github.statuses.filter((s) => s.sha === sha);
    const byContext = new Map(statuses.map((s) => [s.context, s.state]));
    expect(byContext.get('bosun/founding')).toBe('failure');
    expect(byContext.get('bosun/founding/lint')).toBe('success');
    expect(byContext.get('bosun/founding/test')).toBe('success');
    expect(byContext.get('bosun/founding/security')).toBe('failure');
    // neither credential is in the run's status or the operator's log
    const all = JSON.stringify(run) + op.log(100000);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(slack.path);
  });

  it('a deploy to a protected environment waits for an Approval, then runs the built digest', async () => {
    const told = slack.messages.length;
    const sha = git.commitTree('sample-app', [APP], { message: 'the clean app' });
    github.commits.push(sha);
    applyPipeline(ns(), 'ship', pipeline('ship'));
    createRun(ns(), 'ship-1', 'ship', { revision: sha });
    const goal = 'ship-1-deploy';
    await awaitingApproval(goal, 'ship-1');
    const waiting = await waitRun(ns(), 'ship-1', 'Running', more);
    const image = stageOf(waiting, 'build')?.findings?.image ?? '';
    expect(image).toMatch(/@sha256:/);
    expect(stageOf(waiting, 'deploy')?.state).toBe('Running');
    // nothing was deployed before the approval
    expect(getDeployment(prod(), 'web').spec.template.spec.containers[0]?.image).not.toBe(image);
    const approval = getGoal(prod(), goal).status?.approvalRef ?? '';
    expect(approveAs(prod(), approval, 'bob').code).toBe(0);
    const run = await waitRun(ns(), 'ship-1', 'Succeeded', more, 180_000);
    expect(stageOf(run, 'deploy')).toMatchObject({ state: 'Succeeded', findings: { image } });
    expect(getDeployment(prod(), 'web').spec.template.spec.containers[0]?.image).toBe(image);
    expect(getGoal(prod(), goal).spec.requester?.username).toBe('alice');
    // a run that succeeds tells GitHub, not Slack (its targets ask for failures and halts)
    expect(slack.messages).toHaveLength(told);
    expect(github.statuses.find((s) => s.sha === sha && s.context === 'bosun/ship')?.state).toBe('success');
  });

  it('a deploy whose rollout fails is rolled back, and the stage fails', async () => {
    const before = getDeployment(prod(), 'web').spec.template.spec.containers[0]?.image;
    const sha = git.commitTree('sample-app', [APP], { message: 'the clean app, again' });
    github.commits.push(sha);
    // the repository's name makes KWOK's never-ready stage hold the new pods unready
    applyPipeline(ns(), 'bad', pipeline('bad', { image: 'never-ready' }));
    createRun(ns(), 'bad-1', 'bad', { revision: sha });
    const goal = 'bad-1-deploy';
    await awaitingApproval(goal, 'ship-1');
    approveAs(prod(), getGoal(prod(), goal).status?.approvalRef ?? '', 'bob');
    const run = await waitRun(ns(), 'bad-1', 'Failed', more, 300_000);
    expect(stageOf(run, 'deploy')?.state).toBe('Failed');
    expect(stageOf(run, 'deploy')?.message).toMatch(/bad-1-deploy failed/);
    await waitPhase(prod(), goal, 'Failed', more);
    expect(getDeployment(prod(), 'web').spec.template.spec.containers[0]?.image).toBe(before);
  });
});
