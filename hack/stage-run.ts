// Runs the stage agents' commands (src/stages/agents.ts) as the runner would, minus the sandbox:
// `sh -c` in a copy of samples/app with the runner's env and the stage tools on PATH. Used by
// hack/capture-stage-output.ts (the parsers' testdata) and test/integration/stage-tools.test.ts.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGE_AGENTS, type StageAgentKind } from '../src/stages/agents.js';
import { Component } from './control-plane/component.js';
import { until } from './control-plane/wait.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLE_APP = join(ROOT, 'samples', 'app');
export const FOUNDING_OVERLAY = join(ROOT, 'test', 'fixtures', 'sample-app-founding');
export const LINT_ERRORS_OVERLAY = join(ROOT, 'test', 'fixtures', 'sample-app-lint-errors');

/** The stage tools' bin directory (BOSUN_STAGE_TOOLS, from hack/build-stage-tools.sh, + /bin), or why not. */
export function stageToolsBin(): { bin: string } | { missing: string } {
  const dir = process.env.BOSUN_STAGE_TOOLS;
  if (!dir) return { missing: 'BOSUN_STAGE_TOOLS is unset: export BOSUN_STAGE_TOOLS=$(hack/build-stage-tools.sh)' };
  const bin = join(dir, 'bin');
  for (const tool of ['crane', 'registry', 'trivy', 'eslint']) {
    const path = join(bin, tool);
    if (!existsSync(path)) return { missing: `${path} does not exist: run hack/build-stage-tools.sh` };
  }
  return { bin };
}

export interface Ran {
  code: number | null;
  output: string;
}

/** Runs a program to its end: its exit code and its stdout and stderr together. */
export function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * A fresh workspace: samples/app with the overlays and extra files on top, committed to git as
 * the runner's clone would be, in <tmp>/workspace (so absolute paths read as the sandbox's).
 */
export async function workspaceOf(overlays: string[] = [], extra: Record<string, string> = {}): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'bosun-stage-')), 'workspace');
  cpSync(SAMPLE_APP, dir, { recursive: true });
  for (const overlay of overlays) cpSync(overlay, dir, { recursive: true });
  for (const [path, text] of Object.entries(extra)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = async (...args: string[]) => {
    const r = await run('git', ['-c', 'user.name=Bosun', '-c', 'user.email=bosun@test.invalid', ...args], dir, {
      PATH: process.env.PATH,
      HOME: dir,
    });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed in ${dir}: ${r.output}`);
    return r.output.trim();
  };
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'sample app');
  return dir;
}

/** The commit a workspace is at. */
export async function revisionOf(dir: string): Promise<string> {
  return (await run('git', ['rev-parse', 'HEAD'], dir, { PATH: process.env.PATH })).output.trim();
}

export interface AgentRun extends Ran {
  /** each report file the agent names: its text, or undefined when it was not written */
  files: Record<string, string | undefined>;
}

/** Runs an agent's command in the workspace with only the given env (as the sandbox gives it) and HOME there. */
export async function runAgent(
  kind: StageAgentKind,
  dir: string,
  bin: string,
  env: Record<string, string>,
): Promise<AgentRun> {
  const spec = STAGE_AGENTS[kind];
  const [file, ...args] = spec.command;
  if (file === undefined) throw new Error(`the ${kind} agent has no command`);
  const ran = await run(file, args, dir, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...env, HOME: dir });
  const files: Record<string, string | undefined> = {};
  for (const report of spec.reports) {
    const path = join(dir, report);
    files[report] = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }
  return { ...ran, files };
}

export interface Registry {
  /** host:port on loopback, for image references */
  host: string;
  stop(): Promise<void>;
}

/** go-containerregistry's in-memory registry on loopback, on port `wanted` (0: one it picks, read from its log). */
export async function startRegistry(bin: string, wanted = 0): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-registry-'));
  const log = join(dir, 'registry.log');
  const registry = new Component('registry', join(bin, 'registry'), ['-port', String(wanted)], log);
  registry.start();
  let port = 0;
  await until(
    'the registry to listen',
    async () => {
      const m = /serving on port (\d+)/.exec(existsSync(log) ? readFileSync(log, 'utf8') : '');
      port = m ? Number(m[1]) : 0;
      return port > 0;
    },
    30_000,
    () => registry.tail(),
  );
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
