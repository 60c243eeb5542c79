// `helm install` of charts/bosun with the real helm, into a control plane of
// its own (the chart installs the CRDs and cluster-wide webhooks, which the
// shared one has from kubectl). Then the operator runs for real as the chart
// made it: the Deployment's args and environment, a token of the chart's
// ServiceAccount, and the serving certificate it makes in the chart's Secret.
// Without a kubelet no pod runs (KWOK only marks them Running), so the test
// runs that process itself and points the webhook registrations at it by URL.
// Then `helm upgrade` and `helm uninstall`, which must leave nothing behind
// but the CRDs; and `kubectl apply -k config/default`, the other way in.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { startControlPlane, type ControlPlane } from '../../hack/control-plane/control-plane.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { normalizeCanI } from '../support/can-i.js';
import { repoRoot } from '../support/paths.js';

const NS = 'bosun-system';
const SA_USER = `system:serviceaccount:${NS}:bosun`;
const chart = join(repoRoot, 'charts', 'bosun');
const helmBin = () => {
  const bin = process.env.BOSUN_HELM;
  if (!bin) throw new Error('BOSUN_HELM is not set: run hack/build-helm.sh and export its output as BOSUN_HELM');
  return bin;
};

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } };
type Deployment = {
  spec: { template: { spec: { containers: { args: string[]; env: EnvVar[] }[] } } };
};

describe('helm install, upgrade and uninstall of charts/bosun', () => {
  let cp: ControlPlane;
  let dir: string;
  let operator: ChildProcess | undefined;
  const ports = { health: 0, webhook: 0 };
  let valuesFile = '';
  /** each registration's clientConfig.service as the chart made it, while the test points it at a URL */
  const services: Record<string, unknown> = {};

  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', cp.info.kubeconfigs.admin, ...args], { encoding: 'utf8', stdio: 'pipe' });
  const helm = (...args: string[]) =>
    execFileSync(helmBin(), ['--kubeconfig', cp.info.kubeconfigs.admin, ...args], { encoding: 'utf8', stdio: 'pipe' });
  const manifest = () =>
    parseAllDocuments(helm('get', 'manifest', 'bosun', '-n', NS))
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => !!o?.kind);
  const ref = (o: Obj) => `${o.kind}/${o.metadata.name}`;
  const released = () => releasedIn(kubectl);
  const exists = (o: Obj) => {
    const resource = `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`;
    const args = ['get', resource.replace(/\.$/, ''), o.metadata.name, '--ignore-not-found', '-o', 'name'];
    return kubectl(...args, ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : [])).trim() !== '';
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bosun-chart-'));
    cp = await startControlPlane({ dir, nodes: 2 });
    ports.health = await freePort();
    ports.webhook = await freePort();
    valuesFile = join(dir, 'values.yaml');
    writeFileSync(
      valuesFile,
      stringify({
        // Bosun's etcd: the control plane's (no pod runs an etcd here)
        etcd: { endpoints: cp.info.bosunEtcdUrl, internal: { enabled: false } },
        health: { port: ports.health },
        // the API server reaches the operator process by 127.0.0.1, so its certificate names it too
        webhook: { port: ports.webhook, certHosts: ['127.0.0.1'] },
      }),
    );
  }, 180_000);

  afterAll(async () => {
    operator?.kill('SIGKILL');
    await cp?.stop();
    if (dir && !process.env.BOSUN_KEEP_CONTROL_PLANE) rmSync(dir, { recursive: true, force: true });
  });

  it('installs: every object of the release is created', () => {
    helm('install', 'bosun', chart, '-n', NS, '--create-namespace', '-f', valuesFile);
    const objects = manifest();
    expect(objects.map(ref)).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition/goals.bosun.dev',
        'Deployment/bosun-operator',
        'ClusterRole/bosun-operator',
        'MutatingWebhookConfiguration/bosun-admission',
        'ValidatingWebhookConfiguration/bosun-admission',
        'Service/bosun-webhook',
        'PodDisruptionBudget/bosun-operator',
      ]),
    );
    const missing = objects.filter((o) => !exists({ ...o, metadata: { ...o.metadata, namespace: nsOf(o) } }));
    expect(missing.map(ref)).toEqual([]);
  });

  it("gives the operator's ServiceAccount exactly the committed RBAC allowlist", () => {
    const rules = normalizeCanI(kubectl('auth', 'can-i', '--list', '-n', NS, `--as=${SA_USER}`));
    const allowlist = readFileSync(join(repoRoot, 'test', 'integration', 'testdata', 'operator-can-i.txt'), 'utf8');
    expect(rules).toBe(allowlist);
  });

  it("runs the operator with the chart's settings, token and certificate; it reconciles a sample Goal", async () => {
    const deployment = JSON.parse(kubectl('get', 'deployment', 'bosun-operator', '-n', NS, '-o', 'json')) as Deployment;
    const container = deployment.spec.template.spec.containers[0]!;
    const pod = { 'metadata.namespace': NS, 'metadata.name': 'bosun-operator-chart-test' } as Record<string, string>;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    for (const e of container.env) env[e.name] = e.value ?? pod[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '';
    expect(env.BOSUN_WEBHOOK_CERT_SECRET).toBe('bosun-webhook-tls');
    // the ServiceAccount's own short-lived token, as the kubelet would mount it
    const token = kubectl('create', 'token', 'bosun', '-n', NS, '--duration=1h').trim();
    const kubeconfig = join(dir, 'operator-sa.kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: cp.info.server, 'certificate-authority': cp.info.caFile } }],
        users: [{ name: 'bosun', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'bosun' } }],
        'current-context': 'c',
      }),
    );
    env.BOSUN_KUBECONFIG = kubeconfig;
    const logPath = join(dir, 'operator.log');
    const out = openSync(logPath, 'a');
    operator = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/bosun.ts'), ...container.args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const log = () => readFileSync(logPath, 'utf8').split('\n').slice(-60).join('\n');
    await until(
      'the operator /readyz',
      async () => (await fetch(`http://127.0.0.1:${ports.health}/readyz`)).ok,
      90_000,
      log,
    );

    // it made its serving certificate and put its CA into both registrations
    const caBundles = () =>
      ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration'].map((kind) =>
        kubectl('get', kind, 'bosun-admission', '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}'),
      );
    await until('caBundles injected', async () => caBundles().every((b) => b !== ''), 60_000, log);
    const secret = JSON.parse(kubectl('get', 'secret', 'bosun-webhook-tls', '-n', NS, '-o', 'json')) as {
      data: Record<string, string>;
    };
    // ca.key too: any later leader signs the next serving certificate with the same CA
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    // no pod network here: the registrations reach this process by URL, with the CA the operator injected
    for (const [kind, path] of [
      ['mutatingwebhookconfiguration', '/mutate'],
      ['validatingwebhookconfiguration', '/validate'],
    ] as const) {
      services[kind] = JSON.parse(
        kubectl('get', kind, 'bosun-admission', '-o', 'jsonpath={.webhooks[0].clientConfig.service}'),
      ) as unknown;
      const caBundle = kubectl('get', kind, 'bosun-admission', '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}');
      const url = `https://127.0.0.1:${ports.webhook}${path}`;
      const patch = [{ op: 'replace', path: '/webhooks/0/clientConfig', value: { url, caBundle } }];
      kubectl('patch', kind, 'bosun-admission', '--type=json', '-p', JSON.stringify(patch));
    }

    // the sample Goal in a namespace set up as its admin would
    kubectl('create', 'namespace', 'demo');
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
    for (const f of ['riskpolicy.yaml', 'deployment-web.yaml', 'goal-scale.yaml'])
      kubectl('apply', '-n', 'demo', '-f', join(repoRoot, 'config', 'samples', f));
    const phase = () => kubectl('get', 'goal', 'scale-web', '-n', 'demo', '-o', 'jsonpath={.status.phase}');
    await until(
      'the sample Goal to succeed',
      async () => phase() === 'Succeeded',
      90_000,
      () => `${phase()}\n${log()}`,
    );
    // stamped by the admission webhook the chart registered
    expect(kubectl('get', 'goal', 'scale-web', '-n', 'demo', '-o', 'jsonpath={.spec.requester.username}')).not.toBe('');
    expect(kubectl('get', 'deployment', 'web', '-n', 'demo', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
  }, 240_000);

  it('upgrades: an optional part comes and goes with the values, leaving nothing behind', () => {
    // the registrations back at the chart's Service (helm would add it beside the URL, which is invalid)
    for (const [kind, service] of Object.entries(services)) {
      const caBundle = kubectl('get', kind, 'bosun-admission', '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}');
      const patch = [{ op: 'replace', path: '/webhooks/0/clientConfig', value: { service, caBundle } }];
      kubectl('patch', kind, 'bosun-admission', '--type=json', '-p', JSON.stringify(patch));
    }
    helm(
      'upgrade',
      'bosun',
      chart,
      '-n',
      NS,
      '-f',
      valuesFile,
      '--set',
      'runner.enabled=true',
      '--set',
      'logLevel=debug',
    );
    expect(manifest().map(ref)).toContain('Deployment/bosun-runner');
    const env = JSON.parse(
      kubectl(
        'get',
        'deployment',
        'bosun-operator',
        '-n',
        NS,
        '-o',
        'jsonpath={.spec.template.spec.containers[0].env}',
      ),
    ) as EnvVar[];
    expect(env).toEqual(expect.arrayContaining([{ name: 'BOSUN_LOG_LEVEL', value: 'debug' }]));
    expect(env.map((e) => e.name)).toContain('BOSUN_RUNNER_SECRET');

    helm('upgrade', 'bosun', chart, '-n', NS, '-f', valuesFile);
    expect(manifest().map(ref)).not.toContain('Deployment/bosun-runner');
    expect(kubectl('get', 'deployment', 'bosun-runner', '-n', NS, '--ignore-not-found', '-o', 'name')).toBe('');
    expect(released().sort()).toEqual(manifest().map(ref).sort());
  });

  it('uninstalls: every object goes, and the Secret the operator made with it; the CRDs stay', async () => {
    operator?.kill('SIGTERM');
    helm('uninstall', 'bosun', '-n', NS, '--wait');
    expect(released().filter((r) => !r.startsWith('CustomResourceDefinition/'))).toEqual([]);
    const crds = kubectl('get', 'crd', '-l', 'app.kubernetes.io/part-of=bosun', '-o', 'name').trim().split('\n');
    expect(crds).toHaveLength(7);
    // owned by the webhook registration it serves, so the garbage collector removes it with the release
    await until(
      'the operator-made Secret to be collected',
      async () => kubectl('get', 'secret', 'bosun-webhook-tls', '-n', NS, '--ignore-not-found', '-o', 'name') === '',
      60_000,
    );
    // the sample Goal is still there: uninstalling Bosun deletes no one's work
    expect(kubectl('get', 'goal', 'scale-web', '-n', 'demo', '-o', 'name').trim()).toBe('goal.bosun.dev/scale-web');
  });

  it('kubectl apply -k config/default installs the same objects, and kubectl delete -k removes them', () => {
    // the CRDs the release kept are taken over from helm's field manager
    const applied = kubectl('apply', '--server-side', '--force-conflicts', '-k', join(repoRoot, 'config', 'default'));
    for (const want of [
      'deployment.apps/bosun-operator serverside-applied',
      'poddisruptionbudget.policy/bosun-operator serverside-applied',
      'service/bosun-webhook serverside-applied',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/bosun-admission serverside-applied',
    ])
      expect(applied).toContain(want);
    const replicas = kubectl('get', 'deployment', 'bosun-operator', '-n', NS, '-o', 'jsonpath={.spec.replicas}');
    expect(replicas).toBe('2');
    kubectl('delete', '-k', join(repoRoot, 'config', 'default'), '--wait=false');
    expect(kubectl('get', 'deployment', 'bosun-operator', '-n', NS, '--ignore-not-found', '-o', 'name')).toBe('');
  });
});

const NAMESPACED =
  'deployments,statefulsets,services,serviceaccounts,roles,rolebindings,poddisruptionbudgets,' +
  'networkpolicies,configmaps,secrets';
const CLUSTER =
  'clusterroles,clusterrolebindings,mutatingwebhookconfigurations,validatingwebhookconfigurations,' +
  'customresourcedefinitions';

/** Every object labelled as the release's, as Kind/name. */
function releasedIn(kubectl: (...args: string[]) => string): string[] {
  const list = (...args: string[]) =>
    (JSON.parse(kubectl('get', ...args, '-l', 'app.kubernetes.io/instance=bosun', '-o', 'json')) as { items: Obj[] })
      .items;
  return [...list(NAMESPACED, '-n', NS), ...list(CLUSTER)].map((o) => `${o.kind}/${o.metadata.name}`);
}

/** Where an object of the manifest lives: its namespace, or the release's for a namespaced kind that names none. */
function nsOf(o: Obj): string | undefined {
  return CLUSTER_KINDS.includes(o.kind) ? undefined : (o.metadata.namespace ?? NS);
}
const CLUSTER_KINDS = [
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];
