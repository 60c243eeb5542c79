// `kubectl bosun pipeline run NAME [--revision SHA]`: a manual run of a Pipeline. The PipelineRun is
// created through the user's own kubectl, so the API server stamps them as its requester and the run may
// do only what they may. Without --revision, the head of the Pipeline's source branch is asked of the
// repository with `git ls-remote` (the user's git, with the user's credentials; never a prompt). The name
// is <pipeline>-<sha7>-<4 random>: a manual run of the same commit may be repeated.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { GIT_NETWORK_ONLY, withoutCredentials } from '../runner/workspace.js';

export interface RunDeps {
  /** the user's kubectl: stdout, or throws with its stderr */
  kubectl(args: string[], input?: string): string;
  /** git: stdout, or throws saying what went wrong (not installed, failed, timed out) */
  git(args: string[]): string;
  /** four lowercase letters or digits */
  suffix(): string;
}

export const REVISION = /^[0-9a-f]{7,40}$/;
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** How long git ls-remote may take. */
export const LS_REMOTE_TIMEOUT_MS = 60_000;

export const randomSuffix = () => Array.from({ length: 4 }, () => ALNUM[randomInt(ALNUM.length)]).join('');

/** <pipeline>-<sha7>-<suffix>, the pipeline's name cut so that the whole is a valid object name. */
export function runName(pipeline: string, revision: string, suffix: string): string {
  const tail = `-${revision.slice(0, 7)}-${suffix}`;
  const head = pipeline.slice(0, 253 - tail.length).replace(/[^a-z0-9]+$/, '');
  return `${head}${tail}`;
}

export function runManifest(pipeline: string, revision: string, name: string) {
  return {
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name },
    spec: { pipelineRef: { name: pipeline }, revision, trigger: { type: 'manual' } },
  };
}

/** The repository's address without credentials, as it may be shown (the runner's own rule). */
export const shownRepo = withoutCredentials;

/** The commit of refs/heads/<branch> in `git ls-remote` output (git matches patterns by their tail). */
export function headOf(lsRemote: string, branch: string): string | undefined {
  const ref = `refs/heads/${branch}`;
  for (const line of lsRemote.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (name === ref && sha) return sha;
  }
  return undefined;
}

/** The head of the Pipeline's source branch, by git ls-remote. */
export function resolveHead(p: Pipeline, git: RunDeps['git']): string {
  const { repo, branch } = p.spec.source;
  const shown = shownRepo(repo);
  let out: string;
  try {
    // the Pipeline's schema allows only https, http and git URLs, and git is held to them as the runner's clones
    // are (the user's own credential helpers still answer for a private repository)
    out = git([...GIT_NETWORK_ONLY, 'ls-remote', '--', repo, `refs/heads/${branch}`]);
  } catch (err) {
    // git may echo the address it was given, credentials and all: only the shown one is said
    const said = (err instanceof Error ? err.message : String(err)).split(repo).join(shown);
    throw new Error(`could not read the head of ${branch} in ${shown}: ${said}`);
  }
  const sha = headOf(out, branch);
  if (!sha) throw new Error(`branch ${branch} is not in ${shown}: push it, or pass --revision SHA`);
  if (!REVISION.test(sha)) throw new Error(`the head of ${branch} in ${shown} is ${sha}, not a SHA-1: pass --revision`);
  return sha;
}

/** Runs git with no prompt (a repository that needs credentials the user has not set up fails, it does not wait). */
export function gitRunner(bin = 'git', timeoutMs = LS_REMOTE_TIMEOUT_MS): RunDeps['git'] {
  return (args) => {
    const res = spawnSync(bin, args, {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    const code = (res.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new Error('git is not installed (or not on PATH): install it, or pass --revision SHA');
    if (code === 'ETIMEDOUT' || res.signal)
      throw new Error(`git ${args.includes('ls-remote') ? 'ls-remote ' : ''}did not answer in ${timeoutMs / 1000} s`);
    if (res.error) throw new Error(`git could not run: ${res.error.message}`);
    if (res.status !== 0) {
      const said = (res.stderr || res.stdout || '').trim().split('\n')[0] ?? '';
      throw new Error(`git failed (exit code ${res.status}): ${said}`);
    }
    return res.stdout;
  };
}

const ALREADY_EXISTS = /AlreadyExists|already exists/;

/** Creates the run, as the user; what to print. */
export function startRun(name: string, namespace: string | undefined, revision: string | undefined, deps: RunDeps) {
  const ns = namespace ? ['-n', namespace] : [];
  if (revision !== undefined && !REVISION.test(revision.toLowerCase()))
    throw new Error(`--revision ${revision} is not a git commit SHA (7 to 40 hex digits)`);
  const raw: unknown = JSON.parse(deps.kubectl(['get', 'pipeline', name, ...ns, '-o', 'json']));
  const parsed = Pipeline.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`cannot read pipeline ${name}: ${i?.path.join('.') || '(the object)'}: ${i?.message}`);
  }
  const p = parsed.data;
  const where = p.metadata.namespace ?? namespace ?? '';
  if (p.status?.halted)
    throw new Error(
      `pipeline ${where}/${name} is halted since ${p.status.halted.since} (${p.status.halted.message}): ` +
        `a run would be refused; resume it first: kubectl bosun pipeline resume ${name} -n ${where}`,
    );
  const sha = revision?.toLowerCase() ?? resolveHead(p, deps.git);
  const from = revision ? `revision ${sha}` : `${sha}, the head of ${p.spec.source.branch}`;
  for (let attempt = 1; ; attempt++) {
    const run = runName(name, sha, deps.suffix());
    try {
      const created = JSON.parse(
        deps.kubectl(['create', '-f', '-', ...ns, '-o', 'json'], JSON.stringify(runManifest(name, sha, run))),
      ) as { metadata?: { name?: string; namespace?: string } };
      const made = created.metadata?.name ?? run;
      const in_ = created.metadata?.namespace ?? where;
      return [
        `created pipelinerun ${made} in ${in_}: pipeline ${name} at ${from}`,
        'follow it:',
        `  kubectl bosun describe pipelinerun ${made} -n ${in_}`,
        `  kubectl get pipelinerun ${made} -n ${in_} --watch`,
      ].join('\n');
    } catch (err) {
      if (attempt >= 3 || !ALREADY_EXISTS.test(err instanceof Error ? err.message : String(err))) throw err;
    }
  }
}
