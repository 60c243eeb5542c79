// The README's run command (hack/local-up.sh) ends here: start the local
// control plane, install Bosun's CRDs and RBAC, start the operator (as its own
// identity, with its own etcd) and a pipeline runner, apply the samples, show a
// reconciled Goal, a healed Remediation and a PipelineRun, and keep running
// until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Component } from './control-plane/component.js';
import { startControlPlane } from './control-plane/control-plane.js';
import { freePort, until } from './control-plane/wait.js';
import { startGitServer } from './control-plane/git-server.js';
import { startRegistry } from './stage-run.js';
import { makeWebhookCerts, webhookConfigs } from './webhook.js';

/** Where config/samples/pipeline.yaml finds the sample app and pushes its image. */
const SAMPLE_GIT_PORT = 9418;
const SAMPLE_REGISTRY_PORT = 5000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.BOSUN_LOCAL_DIR ?? join(root, '.local', 'control-plane');
const say = (line: string) => console.log(`[bosun] ${line}`);

rmSync(dir, { recursive: true, force: true });
const cp = await startControlPlane({ dir, log: say });
const admin = cp.info.kubeconfigs.admin;
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', admin, ...args], { encoding: 'utf8' });

say('installing CRDs and RBAC');
kubectl('apply', '-k', join(root, 'config', 'crd'));
kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=bosun');
kubectl('apply', '-k', join(root, 'config', 'rbac'));

const [healthPort, webhookPort] = [await freePort(), await freePort()];

// the sample app's git repository (git daemon) and an OCI registry, at the addresses config/samples/pipeline.yaml
// names; the sample app is committed with fixed times, so its commit is the one config/samples/pipelinerun.yaml runs
const stageTools = process.env.BOSUN_STAGE_TOOLS ?? '';
if (!stageTools) throw new Error('BOSUN_STAGE_TOOLS is not set: start Bosun with hack/local-up.sh');
const gitServer = await startGitServer({ dir: join(dir, 'git'), port: SAMPLE_GIT_PORT }).catch((err: unknown) => {
  throw new Error(`cannot serve the sample app on 127.0.0.1:${SAMPLE_GIT_PORT} (is the port taken?): ${String(err)}`);
});
const sampleRevision = gitServer.commitTree('sample-app', [join(root, 'samples', 'app')], {
  message: 'the sample app',
});
say(`serving the sample app at ${gitServer.url('sample-app')} (commit ${sampleRevision})`);
const registry = await startRegistry(join(stageTools, 'bin'), SAMPLE_REGISTRY_PORT).catch((err: unknown) => {
  throw new Error(`cannot run a registry on 127.0.0.1:${SAMPLE_REGISTRY_PORT} (is the port taken?): ${String(err)}`);
});
say(`an OCI registry at ${registry.host} (the build stage pushes the sample app's image there)`);
const certDir = join(dir, 'certs', 'webhook');
const caBundle = makeWebhookCerts(certDir);
// the runner's key: in a Secret the operator reads (bosun-runners, under the runner's name), and in a file the
// runner reads; neither is printed
const runnerDir = join(dir, 'runner');
mkdirSync(runnerDir, { recursive: true, mode: 0o700 });
const runnerKey = randomBytes(32).toString('hex');
writeFileSync(join(runnerDir, 'key'), runnerKey, { mode: 0o600 });
kubectl(
  'create',
  'secret',
  'generic',
  'bosun-runners',
  '-n',
  'bosun-system',
  `--from-file=local=${join(runnerDir, 'key')}`,
);
const operator = new Component(
  'bosun',
  process.execPath,
  [
    '--import',
    'tsx',
    join(root, 'src', 'cli', 'bosun.ts'),
    'run',
    '--kubeconfig',
    cp.info.kubeconfigs.operator,
    '--etcd-endpoints',
    cp.info.bosunEtcdUrl,
    '--health-addr',
    `127.0.0.1:${healthPort}`,
    '--webhook-addr',
    `127.0.0.1:${webhookPort}`,
    '--webhook-cert-dir',
    certDir,
    '--identity',
    'bosun-local',
    '--runner-secret',
    'bosun-runners',
    // the hosted APIs, and a model server on this machine (the sample ModelProvider's local Ollama)
    '--model-endpoints',
    'https://api.anthropic.com,https://api.openai.com,http://127.0.0.1:11434',
  ],
  join(dir, 'logs', 'operator.log'),
);
say(`starting the operator (logs: ${operator.logPath})`);
operator.start();
await until(
  'the operator to lead',
  async () => (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text().then((m) => /^bosun_leader 1$/m.test(m)),
  60_000,
  () => operator.tail(),
);

const runner = new Component(
  'bosun-runner',
  process.execPath,
  [
    '--import',
    'tsx',
    join(root, 'src', 'cli', 'bosun.ts'),
    'runner',
    '--url',
    `https://127.0.0.1:${webhookPort}`,
    '--name',
    'local',
    '--key-file',
    join(runnerDir, 'key'),
    '--ca-file',
    join(certDir, 'ca.crt'),
    '--workspace-dir',
    join(runnerDir, 'workspaces'),
    '--tools',
    stageTools,
  ],
  join(dir, 'logs', 'runner.log'),
);
say(`starting a pipeline runner (each stage command in a bubblewrap sandbox; logs: ${runner.logPath})`);
runner.start();

say('registering the admission webhook (requester stamping, who may decide on an Approval)');
for (const doc of webhookConfigs(webhookPort, caBundle))
  execFileSync('kubectl', ['--kubeconfig', admin, 'apply', '-f', '-'], { input: JSON.stringify(doc) });

say('applying samples (config/samples)');
kubectl('create', 'namespace', 'demo');
// what demo's admin lets Bosun do there: every write of a plan runs as this ServiceAccount
kubectl('create', 'serviceaccount', 'bosun-executor', '-n', 'demo');
kubectl(
  'create',
  'rolebinding',
  'bosun-executor',
  '-n',
  'demo',
  '--clusterrole=bosun-executor',
  '--serviceaccount=demo:bosun-executor',
);
// the namespace's RiskPolicy first, so the sample Goals are judged by it
kubectl('apply', '-n', 'demo', '-f', join(root, 'config', 'samples', 'riskpolicy.yaml'));
// the Deployment the sample Remediation heals, early: a Remediation is diagnosed when it arrives, so its pods must
// have failed by then (a KWOK stage OOM-kills them: see config/samples/deployment-cache.yaml)
kubectl('apply', '-n', 'demo', '-f', join(root, 'config', 'samples', 'deployment-cache.yaml'));
// bob approves (and may scale deployments himself, so alice's plans can run on his authority), alice asks
kubectl('create', 'rolebinding', 'bob-approves', '--clusterrole=bosun-approver', '--user=bob', '-n', 'demo');
kubectl('create', 'rolebinding', 'bob-edits', '--clusterrole=edit', '--user=bob', '-n', 'demo');
kubectl('create', 'rolebinding', 'alice-asks', '--clusterrole=bosun-editor', '--user=alice', '-n', 'demo');
say('waiting for the pods of deployment/cache to be OOM-killed (the issue the sample Remediation reports)');
await until(
  'a cache pod OOM-killed',
  async () =>
    kubectl(
      'get',
      'pods',
      '-n',
      'demo',
      '-l',
      'app=cache',
      '-o',
      'jsonpath={.items[*].status.containerStatuses[*].lastState.terminated.reason}',
    ).includes('OOMKilled'),
  60_000,
  () => operator.tail(),
);
console.log(kubectl('apply', '-n', 'demo', '-k', join(root, 'config', 'samples')));
say('waiting for the sample Goal scale-web (scale deployment/web from 2 to 3 replicas) to succeed');
await until(
  'the sample Goal scale-web to succeed',
  async () => kubectl('get', 'goal', 'scale-web', '-n', 'demo', '-o', 'jsonpath={.status.phase}') === 'Succeeded',
  120_000,
  () => operator.tail(),
);
say('kubectl get goals,approvals -n demo');
console.log(kubectl('get', 'goals,approvals', '-n', 'demo'));
say('kubectl describe goal scale-web -n demo');
console.log(kubectl('describe', 'goal', 'scale-web', '-n', 'demo'));
say('the free-text sample Goal why-is-web-slow, which a model plans');
await until(
  'why-is-web-slow to have a phase',
  async () => kubectl('get', 'goal', 'why-is-web-slow', '-n', 'demo', '-o', 'jsonpath={.status.phase}') !== '',
  60_000,
  () => operator.tail(),
);
console.log(
  kubectl(
    'get',
    'goal',
    'why-is-web-slow',
    '-n',
    'demo',
    '-o',
    'jsonpath={.status.phase}: {.status.conditions[?(@.type=="Ready")].message}{"\\n"}',
  ),
);
say('waiting for the sample Remediation cache-oom to heal deployment/cache (more memory, then a verification window)');
const remediationPhase = () =>
  kubectl('get', 'remediation', 'cache-oom', '-n', 'demo', '-o', 'jsonpath={.status.phase}');
await until(
  'the sample Remediation cache-oom to end (Healed, or Escalated to a person)',
  async () => ['Healed', 'Escalated', 'Stalled'].includes(remediationPhase()),
  120_000,
  () => operator.tail(),
);
say('kubectl get remediations -n demo');
console.log(kubectl('get', 'remediations', '-n', 'demo'));
say('kubectl describe remediation cache-oom -n demo');
console.log(kubectl('describe', 'remediation', 'cache-oom', '-n', 'demo'));
const remediationEnd = remediationPhase();
if (remediationEnd !== 'Healed')
  say(`the sample Remediation did not heal (${remediationEnd}): its conditions above say why`);
say(
  'waiting for the sample PipelineRun web-b7907d8: ESLint, the app tests, an image built with crane and pushed ' +
    "to the registry, a Trivy scan, each in the runner's sandbox",
);
const runPhase = () => kubectl('get', 'pipelinerun', 'web-b7907d8', '-n', 'demo', '-o', 'jsonpath={.status.phase}');
await until(
  'the sample PipelineRun to end',
  async () => ['Succeeded', 'Failed', 'Cancelled', 'Refused', 'Stalled'].includes(runPhase()),
  300_000,
  () => `${operator.tail()}\n${runner.tail()}`,
);
say('kubectl get pipelines,pipelineruns -n demo');
console.log(kubectl('get', 'pipelines,pipelineruns', '-n', 'demo'));
say('kubectl describe pipelinerun web-b7907d8 -n demo');
console.log(kubectl('describe', 'pipelinerun', 'web-b7907d8', '-n', 'demo'));
if (runPhase() !== 'Succeeded')
  say(`the sample PipelineRun did not succeed (${runPhase()}): its status above says why`);
say('waiting for the sample Goal scale-web-big (30 replicas: high risk) to ask for approval');
await until(
  'an Approval for scale-web-big',
  async () => kubectl('get', 'goal', 'scale-web-big', '-n', 'demo', '-o', 'jsonpath={.status.approvalRef}') !== '',
  60_000,
  () => operator.tail(),
);
const approvalName = kubectl('get', 'goal', 'scale-web-big', '-n', 'demo', '-o', 'jsonpath={.status.approvalRef}');
await until(
  'the Approval to exist',
  async () => kubectl('get', 'approvals', '-n', 'demo', '-o', 'name').includes(approvalName),
  30_000,
  () => operator.tail(),
);
say(`kubectl get goal scale-web-big -n demo; kubectl bosun describe ${approvalName} -n demo`);
console.log(kubectl('get', 'goal', 'scale-web-big', '-n', 'demo'));
console.log(
  execFileSync(join(root, 'bin', 'kubectl-bosun'), ['describe', approvalName, '-n', 'demo'], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: cp.info.kubeconfigs.bob },
  }),
);
say('kubectl get deployments,pods -n demo (scaled by the Goal)');
console.log(kubectl('get', 'deployments,pods', '-n', 'demo', '-o', 'wide'));

console.log(`
Bosun is running: the operator (health and metrics on http://127.0.0.1:${healthPort}/metrics),
its own etcd, a pipeline runner, and a local control plane (etcd, kube-apiserver, kube-controller-manager,
kube-scheduler and KWOK fake nodes), all on loopback. In another terminal:

  export KUBECONFIG=${admin}
  kubectl get bosun -A                 # every Bosun resource
  kubectl explain goals.spec.intent
  kubectl --kubeconfig ${cp.info.kubeconfigs.alice} auth whoami

The Goal scale-web-big waits for approval. Approve it as bob (an approver in the sample
RiskPolicy) with the kubectl plugin in bin/, and watch it run:

  export PATH=$PWD/bin:$PATH
  KUBECONFIG=${cp.info.kubeconfigs.bob} kubectl bosun approve ${approvalName} -n demo -m "capacity for the sale"
  kubectl get goal scale-web-big -n demo -w

(as mallory, who is not an approver, the API server refuses it; and nobody can approve as someone else)

The sample Remediation cache-oom ${remediationEnd === 'Healed' ? 'healed' : 'did not heal'} deployment/cache; the plugin tells its story:

  kubectl bosun describe remediation cache-oom -n demo

Report an issue of your own with kubectl apply (config/samples/remediation.yaml shows one).

The sample PipelineRun web-b7907d8 ran its stages on the runner; the plugin tells its story:

  kubectl bosun describe pipelinerun web-b7907d8 -n demo
  kubectl bosun logs pipelinerun web-b7907d8 -n demo --stage build

Run it again with a new PipelineRun (config/samples/pipelinerun.yaml shows one).

The free-text Goal why-is-web-slow waits until a model is set up: create a ModelProvider
named default in demo (config/samples/modelprovider.yaml shows one for a local Ollama).

Kubeconfigs for alice, bob, mallory and the operator are in ${dirname(admin)}.
Component logs: ${join(dir, 'logs')}. Press Ctrl-C to stop everything.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping the runner, the operator, the git server, the registry and the control plane');
  await runner.stop();
  await gitServer.stop();
  await registry.stop();
  await operator.stop();
  await cp.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (process.env.BOSUN_LOCAL_EXIT === '1') await shutdown();
setInterval(() => {}, 1 << 30);
