// Pipelines and PipelineRuns from tests: apply as a user, read back, wait for a
// phase; and a runner (the real one, in this process) that runs their stages
// in its bubblewrap sandbox.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityName } from '../../hack/control-plane/identities.js';
import { until } from '../../hack/control-plane/wait.js';
import type { PipelineRun, PipelineRunStatus } from '../../src/api/v1alpha1/pipeline-run.js';
import type { PipelineStatus } from '../../src/api/v1alpha1/pipeline.js';
import { Runner } from '../../src/runner/runner.js';
import { runSandboxed } from '../../src/runner/sandbox.js';
import { stageAgent } from '../../src/stages/agents.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { kubectl, kubectlOk } from './cluster.js';

/** A stage that runs `script` with sh on a runner, in an empty workspace (no repository to clone). */
export const sh = (name: string, script: string, o: Record<string, unknown> = {}) => ({
  name,
  agent: 'test',
  runOn: 'runner',
  checkout: false,
  command: ['sh', '-c', script],
  ...o,
});

export const applyPipeline = (namespace: string, name: string, spec: Record<string, unknown>) =>
  kubectlOk(['apply', '-f', '-'], {
    namespace,
    input: JSON.stringify({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name },
      spec: { source: { repo: 'https://git.example/app.git' }, ...spec },
    }),
  });

export const createRun = (
  namespace: string,
  name: string,
  pipeline: string,
  spec: Record<string, unknown> = {},
  as: IdentityName = 'alice',
) =>
  kubectl(['create', '-f', '-'], {
    as,
    namespace,
    input: JSON.stringify({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'PipelineRun',
      metadata: { name },
      spec: { pipelineRef: { name: pipeline }, revision: 'a1b2c3d', trigger: { type: 'manual' }, ...spec },
    }),
  });

export const getRun = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'pipelinerun', name, '-o', 'json'], { namespace })) as PipelineRun & {
    status?: PipelineRunStatus;
  };

export const getPipeline = (namespace: string, name: string) =>
  JSON.parse(kubectlOk(['get', 'pipeline', name, '-o', 'json'], { namespace })) as {
    metadata: { name: string };
    status?: PipelineStatus;
  };

export const stageOf = (run: { status?: PipelineRunStatus }, name: string) =>
  run.status?.stages?.find((s) => s.name === name);

/** Waits until the run is in one of `phases`; the failure message shows its status and `more`. */
export async function waitRun(
  namespace: string,
  name: string,
  phases: string | string[],
  more: () => string = () => '',
  timeoutMs = 90_000,
) {
  const want = Array.isArray(phases) ? phases : [phases];
  await until(
    `${name} ${want.join('|')}`,
    async () => want.includes(getRun(namespace, name).status?.phase ?? ''),
    timeoutMs,
    () => `${JSON.stringify(getRun(namespace, name).status, null, 1)}\n${more()}`,
  );
  return getRun(namespace, name);
}

export interface TestRunner {
  name: string;
  key: string;
  runner: Runner;
  logs: string[];
  stop(): Promise<void>;
}

/** A new runner key, and the Secret that holds it under the runner's name (in bosun-system). */
export function runnerSecret(secret: string, runner: string): string {
  const key = randomBytes(32).toString('hex');
  kubectl(['delete', 'secret', secret, '-n', 'bosun-system', '--ignore-not-found']);
  kubectlOk(['create', 'secret', 'generic', secret, '-n', 'bosun-system', `--from-literal=${runner}=${key}`]);
  return key;
}

/** The stage tools hack/build-stage-tools.sh built (hack/test.sh exports BOSUN_STAGE_TOOLS); fails saying so. */
export function stageTools(): string {
  const dir = process.env.BOSUN_STAGE_TOOLS;
  if (!dir || !existsSync(join(dir, 'bin', 'trivy')))
    throw new Error(
      `the stage tools are not built (BOSUN_STAGE_TOOLS=${dir ?? '(unset)'}): run the tests with hack/test.sh, ` +
        'or export BOSUN_STAGE_TOOLS=$(hack/build-stage-tools.sh)',
    );
  return dir;
}

/**
 * The real runner, in this process, with its sandbox; registered once start() resolves. With `tools`, its
 * sandbox has the stage tools and it parses the stage agents' reports, as `bosun runner --tools` does.
 */
export async function startRunner(o: {
  url: string;
  name: string;
  key: string;
  certDir: string;
  capacity?: number;
  tools?: string;
}) {
  const logs: string[] = [];
  const log = createLogger({
    level: 'debug',
    base: { app: 'bosun-runner', runner: o.name },
    destination: { write: (line: string) => void logs.push(line) },
  });
  const runner = new Runner({
    url: o.url,
    name: o.name,
    key: Buffer.from(o.key, 'utf8'),
    capacity: o.capacity ?? 4,
    ca: readFileSync(join(o.certDir, 'ca.crt'), 'utf8'),
    sandbox: { run: (req) => runSandboxed(req, { tools: o.tools ? [o.tools] : [] }) },
    log,
    pollMs: 200,
    ...(o.tools && { agents: stageAgent }),
  });
  await runner.start();
  return { name: o.name, key: o.key, runner, logs, stop: () => runner.stop() } satisfies TestRunner;
}
