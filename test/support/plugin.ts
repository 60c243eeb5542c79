// Runs `kubectl bosun …` as a person would: kubectl finds the plugin on PATH,
// and the user's kubeconfig decides who they are (env may name another kubeconfig file).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { IdentityName } from '../../hack/control-plane/identities.js';
import { controlPlane } from './cluster.js';
import { repoRoot } from './paths.js';

export function kubectlBosun(as: IdentityName, args: string[], env: Record<string, string> = {}) {
  const res = spawnSync('kubectl', ['bosun', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      KUBECONFIG: controlPlane().kubeconfigs[as],
      ...env,
      PATH: `${join(repoRoot, 'bin')}:${process.env.PATH ?? ''}`,
    },
  });
  return { code: res.status ?? -1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}
