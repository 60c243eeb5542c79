// kubectl as the bench's admin, and the namespace set-up every bench phase that runs plans needs.
import { execFileSync } from 'node:child_process';

export type Kubectl = (args: string[], input?: string) => string;

/** kubectl with `kubeconfig`, in `namespace` when given. */
export const kubectlAs =
  (kubeconfig: string, namespace?: string): Kubectl =>
  (args, input) =>
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...(namespace ? ['-n', namespace] : []), ...args], {
      encoding: 'utf8',
      input,
    });

/** What a namespace's admin does to let Bosun write there: the executor ServiceAccount, bound to bosun-executor. */
export function createExecutor(kubectl: Kubectl, namespace: string): void {
  kubectl(['create', 'serviceaccount', 'bosun-executor']);
  kubectl([
    'create',
    'rolebinding',
    'bosun-executor',
    '--clusterrole=bosun-executor',
    `--serviceaccount=${namespace}:bosun-executor`,
  ]);
}
