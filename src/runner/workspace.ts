// A work item's workspace on the runner's host: a fresh 0700 directory under the runner's workspace directory,
// with the item's source cloned into it at its revision. git runs here, outside the sandbox, as the runner's
// user: with hooks, submodules, credential helpers and prompts off, and only the network protocols allowed
// (no file://, no ext::), so a Pipeline's repository URL can reach nothing but a git server.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { BosunError } from '../api/errors.js';
import type { WorkItem } from './protocol.js';

/** How long a clone may take before it is given up. */
export const CLONE_TIMEOUT_MS = 5 * 60_000;
const MAX_GIT_OUTPUT = 64 * 1024;

/** git's -c settings that let it reach only network git servers: no file://, no ext:: (which runs a command). */
export const GIT_NETWORK_ONLY = [
  ...['-c', 'protocol.allow=never'],
  ...['-c', 'protocol.https.allow=always', '-c', 'protocol.http.allow=always', '-c', 'protocol.git.allow=always'],
];

/** git's -c settings for a clone of a repository Bosun does not control. */
export const SAFE_GIT = [
  ...GIT_NETWORK_ONLY,
  ...['-c', 'core.hooksPath=/dev/null', '-c', 'submodule.recurse=false', '-c', 'credential.helper='],
  ...['-c', 'core.symlinks=true', '-c', 'advice.detachedHead=false'],
];

/** The environment git runs in: nothing of the runner's but what it needs to find its programs. */
const gitEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_ASKPASS: '/bin/false',
  LC_ALL: 'C',
});

export type Git = (args: string[], opts: { cwd?: string; timeoutMs: number }) => Promise<void>;

/** Runs git; a failure says what git said (the last lines of it). */
export const runGit =
  (git = 'git'): Git =>
  (args, opts) =>
    new Promise((resolve, reject) => {
      execFile(
        git,
        [...SAFE_GIT, ...args],
        { cwd: opts.cwd, env: gitEnv(), timeout: opts.timeoutMs, maxBuffer: MAX_GIT_OUTPUT, killSignal: 'SIGKILL' },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const said = String(stderr).trim().split('\n').slice(-3).join(' / ').slice(0, 512);
          const why = (err as { killed?: boolean }).killed ? `timed out after ${opts.timeoutMs / 1000} s` : said;
          reject(new BosunError('BOSUN_ERR_SANDBOX', `git ${args[0]} failed: ${why || err.message}`));
        },
      );
    });

/** Makes the item's workspace under `base` (mode 0700), with its source checked out when it has one. */
export async function makeWorkspace(base: string, item: Pick<WorkItem, 'source'>, git: Git): Promise<string> {
  const dir = await mkdtemp(join(base, 'ws-'));
  const { source } = item;
  if (!source) return dir;
  try {
    await git(['clone', '--quiet', '--no-checkout', '--', source.repo, dir], { timeoutMs: CLONE_TIMEOUT_MS });
    await git(['checkout', '--quiet', '--detach', source.revision, '--'], { cwd: dir, timeoutMs: CLONE_TIMEOUT_MS });
  } catch (err) {
    // a URL may carry credentials (https://user:token@host/…): neither the message nor git's words show them
    const shown = withoutCredentials(source.repo);
    const said = (err as Error).message
      .replace(/^BOSUN_ERR_\w+: /, '')
      .split(source.repo)
      .join(shown);
    throw new BosunError('BOSUN_ERR_SANDBOX', `could not check out ${shown} at ${source.revision}: ${said}`);
  }
  return dir;
}

/** A URL without its user and password. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
