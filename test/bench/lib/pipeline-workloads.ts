// The pipeline bench's namespace, Pipelines and runner: set up as a namespace
// admin would for PipelineRuns on both paths (runners and Jobs), the admission
// webhook that stamps each run's requester served by the bench's operator, and
// the real `bosun runner` as a process of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookConfigs } from '../../../hack/webhook.js';
import { API_VERSION } from '../../../src/api/v1alpha1/kinds.js';
import { repoRoot } from '../../support/paths.js';
import { STAGE_PASS_IMAGE } from '../../support/stage-images.js';
import type { BenchStage } from './pipeline-dag.js';
import type { PipelinePath } from './pipeline-report.js';
import { createExecutor, kubectlAs } from './kubectl.js';

export const PIPELINE_NAMESPACE = 'pipeline-bench';
export const RUNNER_SECRET = 'bosun-bench-runners';
export const RUNNER_NAME = 'bench-runner';

/** The Pipeline a run of `path` starts: `dag`'s stages, each a short command on a runner or a Job KWOK ends. */
export function benchPipeline(
  name: string,
  path: PipelinePath,
  dag: readonly BenchStage[],
  o: { concurrency: number; sleepMs: number },
) {
  const seconds = (o.sleepMs / 1000).toFixed(3);
  return {
    apiVersion: API_VERSION,
    kind: 'Pipeline',
    metadata: { name },
    spec: {
      source: { repo: 'https://git.example/app.git' },
      runOn: path,
      concurrency: o.concurrency,
      stages: dag.map((s) =>
        path === 'runner'
          ? {
              name: s.name,
              agent: 'test',
              dependsOn: s.dependsOn,
              checkout: false,
              command: ['sh', '-c', `sleep ${seconds}`],
            }
          : { name: s.name, agent: 'test', dependsOn: s.dependsOn, image: STAGE_PASS_IMAGE, command: ['run-stage'] },
      ),
    },
  };
}

/**
 * The namespace as its admin sets it up for PipelineRuns (as test/integration/pipelinerun-*.test.ts do): Pod
 * Security restricted (the stage Jobs are hardened), the executor ServiceAccount, the `bosun-pipeline`
 * ServiceAccount the Jobs run as, alice as bosun-editor (she starts the runs) and bosun-executor (her runs create
 * Jobs), a RiskPolicy, and `pipelines`.
 */
export function setUpNamespace(adminKubeconfig: string, namespace: string, pipelines: readonly object[]): void {
  const kubectl = kubectlAs(adminKubeconfig, namespace);
  kubectl(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  createExecutor(kubectl, namespace);
  kubectl(['create', 'serviceaccount', 'bosun-pipeline']);
  kubectl(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice']);
  kubectl(['create', 'rolebinding', 'alice-jobs', '--clusterrole=bosun-executor', '--user=alice']);
  const policy = {
    apiVersion: API_VERSION,
    kind: 'RiskPolicy',
    metadata: { name: 'default' },
    spec: { approvers: { users: ['bob'] } },
  };
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, ...pipelines] }));
}

/**
 * Bosun's admission webhook for `namespace` only, at the operator's port (it stamps each run's requester);
 * returns what removes it.
 */
export function registerWebhooks(adminKubeconfig: string, namespace: string, port: number, caBundle: string) {
  const kubectl = kubectlAs(adminKubeconfig);
  const names = webhookConfigs(port, caBundle, namespace).map((doc) => {
    kubectl(['apply', '-f', '-'], JSON.stringify(doc));
    return `${doc.kind.toLowerCase()}/${doc.metadata.name}`;
  });
  return () => {
    for (const n of names) kubectl(['delete', n, '--ignore-not-found']);
  };
}

export interface RunnerProcess {
  proc: ChildProcess;
  exited: Promise<number | null>;
  log(lines?: number): string;
  /** SIGTERM (it cancels what it runs), then SIGKILL after 10 s */
  stop(): Promise<void>;
}

/** `bosun runner` as its own process, as a host would run it; its output goes to `logPath`. */
export function startRunnerProcess(o: {
  url: string;
  keyFile: string;
  caFile: string;
  workspaceDir: string;
  capacity: number;
  logPath: string;
  /** the stage tools directory (hack/build-stage-tools.sh), for the sample Pipeline's stage agents */
  tools?: string;
}): RunnerProcess {
  const out = openSync(o.logPath, 'a');
  const args = [
    '--import',
    'tsx',
    join(repoRoot, 'src/cli/bosun.ts'),
    'runner',
    '--url',
    o.url,
    '--name',
    RUNNER_NAME,
    '--key-file',
    o.keyFile,
    '--ca-file',
    o.caFile,
    '--workspace-dir',
    o.workspaceDir,
    '--capacity',
    String(o.capacity),
    ...(o.tools ? ['--tools', o.tools] : []),
  ];
  const proc = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    exited,
    log: (lines = 40) => readFileSync(o.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
