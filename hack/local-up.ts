// The README's run command (hack/local-up.sh) ends here: start the local
// control plane, install Bosun's CRDs, apply the samples, show them, and keep
// running until Ctrl-C.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from './control-plane/control-plane.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.BOSUN_LOCAL_DIR ?? join(root, '.local', 'control-plane');
const say = (line: string) => console.log(`[bosun] ${line}`);

rmSync(dir, { recursive: true, force: true });
const cp = await startControlPlane({ dir, log: say });
const admin = cp.info.kubeconfigs.admin;
const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', admin, ...args], { encoding: 'utf8' });

say('installing CRDs');
kubectl('apply', '-k', join(root, 'config', 'crd'));
kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=bosun');
say('applying samples (config/samples)');
kubectl('create', 'namespace', 'demo');
console.log(kubectl('apply', '-n', 'demo', '-k', join(root, 'config', 'samples')));
say('kubectl get goals,pipelines,pipelineruns,approvals -n demo');
console.log(kubectl('get', 'goals,pipelines,pipelineruns,approvals', '-n', 'demo'));
say('kubectl get deployments,pods -n demo');
kubectl('rollout', 'status', 'deployment/web', '-n', 'demo', '--timeout=60s');
console.log(kubectl('get', 'deployments,pods', '-n', 'demo', '-o', 'wide'));

console.log(`
Bosun's local control plane is running (etcd, kube-apiserver, kube-controller-manager,
kube-scheduler and KWOK fake nodes, all on loopback). In another terminal:

  export KUBECONFIG=${admin}
  kubectl get bosun -A                 # every Bosun resource
  kubectl explain goals.spec.intent
  kubectl --kubeconfig ${cp.info.kubeconfigs.alice} auth whoami

Kubeconfigs for alice, bob, mallory and the operator are in ${dirname(admin)}.
Component logs: ${join(dir, 'logs')}. Press Ctrl-C to stop everything.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  say('stopping the control plane');
  await cp.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
if (process.env.BOSUN_LOCAL_EXIT === '1') await shutdown();
setInterval(() => {}, 1 << 30);
