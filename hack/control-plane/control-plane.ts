// The local control plane for tests and the local run: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and KWOK on loopback, envtest-style.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Component } from './component.js';
import { identities, identityNames, type IdentityName } from './identities.js';
import { freePort, httpsGet, until } from './wait.js';

const hackDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Everything a test (or a person) needs to reach the control plane; plain data, passed between processes. */
export interface ControlPlaneInfo {
  dir: string;
  server: string;
  etcdUrl: string;
  /** Bosun's own etcd (never the cluster's) */
  bosunEtcdUrl: string;
  caFile: string;
  auditLog: string;
  kubeconfigs: Record<IdentityName, string>;
  tokens: Record<IdentityName, string>;
  logs: Record<string, string>;
}

export interface ControlPlane {
  info: ControlPlaneInfo;
  components: Record<'etcd' | 'bosunEtcd' | 'apiserver' | 'controllerManager' | 'scheduler' | 'kwok', Component>;
  /** Stop and start the API server on the same port and data. */
  restartApiserver(opts?: { downMs?: number }): Promise<void>;
  waitApiserverReady(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** state directory (etcd data, certificates, kubeconfigs, logs) */
  dir: string;
  /** folder with the binaries hack/build-tools.sh prints (default: $BOSUN_BIN_DIR, else build them) */
  binDir?: string;
  /** fake KWOK nodes to create */
  nodes?: number;
  log?: (line: string) => void;
}

/**
 * Bosun's own KWOK stages (kwok-stages/), each a way a pod fails for tests (test/support/workloads.ts), or a way
 * a pipeline stage's Job ends (job-*, test/support/stage-images.ts): they win over KWOK's pod-ready and
 * pod-complete stages only for the images they name.
 */
const bosunStages = [
  'pod-never-ready.yaml',
  'pod-image-pull-backoff.yaml',
  'pod-oom-killed.yaml',
  'pod-crash-loop.yaml',
  'job-stage-start.yaml',
  'job-stage-finish.yaml',
  'job-stage-run-forever.yaml',
];

export function buildTools(): string {
  const out = execFileSync(join(hackDir, 'build-tools.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop() ?? '';
}

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  # writes to Deployments with the object the server answered: its metadata.generation
  # tells whether a write changed the spec (the crash test counts effective changes per step)
  - level: RequestResponse
    verbs: [create, update, patch, delete]
    resources:
      - group: apps
        resources: [deployments, deployments/scale]
  # TokenRequests for Bosun's executor: the lifetime asked for and the token issued, so a test
  # can prove each token is short-lived and search every sink for it (a local cluster only:
  # a production audit policy keeps tokens out of its log)
  - level: RequestResponse
    verbs: [create]
    resources:
      - group: ''
        resources: [serviceaccounts/token]
  # who did what, to what: enough to count requests by user, verb and resource
  - level: Metadata
`;

function kubeconfig(server: string, ca: string, user: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: bosun-local
    cluster:
      server: ${server}
      certificate-authority-data: ${Buffer.from(ca).toString('base64')}
users:
  - name: ${user}
    user:
      token: ${token}
contexts:
  - name: bosun-local
    context: { cluster: bosun-local, user: ${JSON.stringify(user)} }
current-context: bosun-local
`;
}

/** The pods a KWOK node takes at most (the kubelet's default). */
export const NODE_PODS = 110;

/** A node KWOK manages (it has KWOK's annotation), as JSON; `size` is what it offers (a kubelet's default pods). */
export function fakeNode(name: string, size = { pods: NODE_PODS, cpu: '32', memory: '256Gi' }): string {
  const offers = { cpu: size.cpu, memory: size.memory, pods: String(size.pods) };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/role': 'agent',
        type: 'kwok',
      },
    },
    status: {
      allocatable: offers,
      capacity: offers,
    },
  });
}

export async function startControlPlane(opts: StartOptions): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const binDir = opts.binDir ?? process.env.BOSUN_BIN_DIR ?? buildTools();
  const dir = opts.dir;
  for (const sub of ['logs', 'etcd', 'bosun-etcd', 'certs', 'kubeconfig'])
    mkdirSync(join(dir, sub), { recursive: true });
  const bin = (name: string) => join(binDir, name);
  const logPath = (name: string) => join(dir, 'logs', `${name}.log`);

  const [etcdPort, peerPort, apiPort, kwokPort, bosunEtcdPort, bosunPeerPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const bosunEtcdUrl = `http://127.0.0.1:${bosunEtcdPort}`;
  const server = `https://127.0.0.1:${apiPort}`;

  // Service-account signing keys and static tokens, one per identity.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKey = join(dir, 'certs', 'sa.key');
  const saPub = join(dir, 'certs', 'sa.pub');
  writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(saPub, publicKey.export({ type: 'spki', format: 'pem' }));
  const tokens = Object.fromEntries(identityNames.map((n) => [n, randomBytes(24).toString('hex')])) as Record<
    IdentityName,
    string
  >;
  const tokenFile = join(dir, 'certs', 'tokens.csv');
  writeFileSync(
    tokenFile,
    identityNames
      .map((n) => {
        const { user, groups } = identities[n];
        return `${tokens[n]},${user},${n}${groups.length ? `,"${groups.join(',')}"` : ''}`;
      })
      .join('\n') + '\n',
  );
  const auditPolicyFile = join(dir, 'audit-policy.yaml');
  writeFileSync(auditPolicyFile, auditPolicy);
  const auditLog = join(dir, 'logs', 'audit.jsonl');
  const certDir = join(dir, 'certs', 'apiserver');
  const caFile = join(certDir, 'apiserver.crt');

  const etcd = etcdComponent('etcd', bin('etcd'), join(dir, 'etcd'), etcdPort, peerPort, logPath('etcd'));
  const bosunEtcd = etcdComponent(
    'bosun-etcd',
    bin('etcd'),
    join(dir, 'bosun-etcd'),
    bosunEtcdPort,
    bosunPeerPort,
    logPath('bosun-etcd'),
  );

  const apiserver = new Component(
    'kube-apiserver',
    bin('kube-apiserver'),
    [
      `--etcd-servers=${etcdUrl}`,
      '--advertise-address=127.0.0.1',
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      '--authorization-mode=RBAC',
      `--token-auth-file=${tokenFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--allow-privileged=true',
      // the "kubernetes" Service cannot point at a loopback address; nothing here needs it
      '--endpoint-reconciler-type=none',
      `--audit-policy-file=${auditPolicyFile}`,
      `--audit-log-path=${auditLog}`,
      '--audit-log-format=json',
      '--profiling=false',
      '--v=1',
    ],
    logPath('kube-apiserver'),
  );

  const kc = (n: IdentityName) => join(dir, 'kubeconfig', n);
  const controllerManager = new Component(
    'kube-controller-manager',
    bin('kube-controller-manager'),
    [
      `--kubeconfig=${kc('kube-controller-manager')}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${saKey}`,
      `--root-ca-file=${caFile}`,
      '--use-service-account-credentials=true',
      // its client's defaults (20 requests/s, bursts of 30) hold the cluster to about 5 new pods/s, far below
      // what this API server takes; at 200/s 1,000 Deployments scaled at once roll out in about 20 s
      '--kube-api-qps=200',
      '--kube-api-burst=400',
      '--v=1',
    ],
    logPath('kube-controller-manager'),
  );

  const scheduler = new Component(
    'kube-scheduler',
    bin('kube-scheduler'),
    [`--kubeconfig=${kc('kube-scheduler')}`, '--leader-elect=false', '--secure-port=0', '--v=1'],
    logPath('kube-scheduler'),
  );

  const kwok = new Component(
    'kwok',
    bin('kwok'),
    [
      `--kubeconfig=${kc('kwok')}`,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      '--manage-nodes-with-label-selector=',
      '--manage-single-node=',
      '--cidr=10.244.0.0/16',
      '--node-ip=10.244.0.1',
      `--server-address=127.0.0.1:${kwokPort}`,
      `--config=${bin('kwok-stages.yaml')}`,
      ...bosunStages.map((file) => `--config=${join(dirname(fileURLToPath(import.meta.url)), 'kwok-stages', file)}`),
    ],
    logPath('kwok'),
  );

  const components = { etcd, bosunEtcd, apiserver, controllerManager, scheduler, kwok };
  const all = Object.values(components);
  const logs = Object.fromEntries(all.map((c) => [c.name, c.logPath]));
  const explain = () => all.map((c) => `--- ${c.name} (${c.logPath})\n${c.tail(20)}`).join('\n');

  const waitApiserverReady = () =>
    until(
      'kube-apiserver /readyz',
      async () => (await httpsGet(`${server}/readyz`, { token: tokens.admin })).status === 200,
      120_000,
      explain,
    );

  const stop = async () => {
    for (const c of [kwok, scheduler, controllerManager, apiserver, etcd, bosunEtcd]) await c.stop();
  };

  try {
    log(`starting etcd on ${etcdUrl}`);
    etcd.start();
    bosunEtcd.start();
    await until('etcd /health', async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000, explain);
    await until("Bosun's etcd /health", async () => (await fetch(`${bosunEtcdUrl}/health`)).ok, 30_000, explain);

    log(`starting kube-apiserver on ${server}`);
    apiserver.start();
    await waitApiserverReady();
    const ca = readFileSync(caFile, 'utf8');
    const kubeconfigs = Object.fromEntries(
      identityNames.map((n) => {
        writeFileSync(kc(n), kubeconfig(server, ca, n, tokens[n]), { mode: 0o600 });
        return [n, kc(n)];
      }),
    ) as Record<IdentityName, string>;

    log('starting kube-controller-manager, kube-scheduler and kwok');
    controllerManager.start();
    scheduler.start();
    kwok.start();

    const kubectl = (args: string[], input?: string) =>
      execFileSync('kubectl', ['--kubeconfig', kubeconfigs.admin, ...args], {
        encoding: 'utf8',
        input,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    for (let i = 0; i < (opts.nodes ?? 3); i++) kubectl(['apply', '-f', '-'], fakeNode(`kwok-node-${i}`));
    await until(
      'KWOK nodes Ready',
      async () => {
        const out = kubectl([
          'get',
          'nodes',
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]);
        const ready = out.split('\n').filter((s) => s === 'True').length;
        return ready >= (opts.nodes ?? 3);
      },
      60_000,
      explain,
    );
    await until(
      'the default ServiceAccount (kube-controller-manager)',
      async () => {
        kubectl(['get', 'serviceaccount', 'default', '-n', 'default']);
        return true;
      },
      60_000,
      explain,
    );
    log('control plane ready');

    const info: ControlPlaneInfo = { dir, server, etcdUrl, bosunEtcdUrl, caFile, auditLog, kubeconfigs, tokens, logs };
    writeFileSync(join(dir, 'control-plane.json'), JSON.stringify(info, null, 2));
    return {
      info,
      components,
      waitApiserverReady,
      async restartApiserver(o = {}) {
        await apiserver.stop();
        if (o.downMs) await new Promise((r) => setTimeout(r, o.downMs));
        apiserver.start();
        await waitApiserverReady();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** An etcd member on loopback with --unsafe-no-fsync (test data need not survive power loss). */
export function etcdComponent(
  name: string,
  binary: string,
  dataDir: string,
  clientPort: number,
  peerPort: number,
  logPath: string,
  /** serve clients over TLS and ask each for a certificate signed by caFile */
  tls?: { caFile: string; certFile: string; keyFile: string },
): Component {
  const client = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return new Component(
    name,
    binary,
    [
      '--name=default',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
      ...(tls
        ? [
            '--client-cert-auth',
            `--trusted-ca-file=${tls.caFile}`,
            `--cert-file=${tls.certFile}`,
            `--key-file=${tls.keyFile}`,
          ]
        : []),
    ],
    logPath,
  );
}

/** Reads the info a running control plane wrote into its directory. */
export function readControlPlaneInfo(dir: string): ControlPlaneInfo | undefined {
  const path = join(dir, 'control-plane.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ControlPlaneInfo) : undefined;
}
