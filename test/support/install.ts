// Installs Bosun's CRDs and RBAC into a control plane (as a cluster admin would).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export function installBosun(adminKubeconfig: string): void {
  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', adminKubeconfig, ...args], { encoding: 'utf8' });
  kubectl('apply', '-k', join(repoRoot, 'config', 'crd'));
  kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=bosun');
  kubectl('apply', '-k', join(repoRoot, 'config', 'rbac'));
}
