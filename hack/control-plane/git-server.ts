// A git server on loopback for the pipelines' sample app: real `git daemon`
// serving bare repositories under one directory over git://, read-only (the
// runner clones; nothing is pushed to it). Repositories are made and advanced
// here with real git commits (commitTree), so a revision is a real SHA.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Component } from './component.js';
import { freePort, until } from './wait.js';
import { connect } from 'node:net';

export interface GitServer {
  /** git://127.0.0.1:PORT/ */
  base: string;
  /** the URL of a repository by name: git://127.0.0.1:PORT/NAME.git */
  url(name: string): string;
  /**
   * Commits exactly the files of `dirs` (copied in order, later ones over earlier ones) as the new head of
   * `branch` of repository `name` (made when missing), after its last commit, and returns the commit's SHA.
   */
  commitTree(name: string, dirs: string[], opts?: { branch?: string; message?: string }): string;
  tail(): string;
  stop(): Promise<void>;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bosun Sample',
  GIT_AUTHOR_EMAIL: 'sample@bosun.invalid',
  GIT_COMMITTER_NAME: 'Bosun Sample',
  GIT_COMMITTER_EMAIL: 'sample@bosun.invalid',
  // fixed times: the same files on the same parent make the same commit, so a sample can name its SHA
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

const git = (args: string[], cwd?: string) =>
  execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

export async function startGitServer(opts: { dir?: string; port?: number } = {}): Promise<GitServer> {
  const root = opts.dir ?? mkdtempSync(join(tmpdir(), 'bosun-git-'));
  const repos = join(root, 'repos');
  mkdirSync(repos, { recursive: true });
  const port = opts.port ?? (await freePort());
  const daemon = new Component(
    'git-daemon',
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--informative-errors',
      `--base-path=${repos}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      repos,
    ],
    join(root, 'git-daemon.log'),
  );
  daemon.start();
  await until(
    'git daemon to listen',
    () => reachable(port),
    15_000,
    () => daemon.tail(),
  );
  const base = `git://127.0.0.1:${port}/`;

  const commitTree: GitServer['commitTree'] = (name, dirs, o = {}) => {
    const branch = o.branch ?? 'main';
    const bare = join(repos, `${name}.git`);
    git(['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
    const work = mkdtempSync(join(tmpdir(), 'bosun-git-work-'));
    try {
      git(['init', '--quiet', `--initial-branch=${branch}`, work]);
      git(['remote', 'add', 'origin', bare], work);
      // start from the branch's head when it has one, so each commit follows the last
      if (git(['ls-remote', '--heads', 'origin', branch], work)) {
        git(['fetch', '--quiet', 'origin', branch], work);
        git(['checkout', '--quiet', '-B', branch, 'FETCH_HEAD'], work);
      }
      // the commit holds exactly the files of `dirs`: what the last commit had and they have not is removed
      for (const entry of readdirSync(work)) if (entry !== '.git') rmSync(join(work, entry), { recursive: true });
      for (const d of dirs) cpSync(d, work, { recursive: true });
      git(['add', '--all'], work);
      git(['commit', '--quiet', '--allow-empty', '-m', o.message ?? `sample app (${dirs.length} layer(s))`], work);
      git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], work);
      return git(['rev-parse', 'HEAD'], work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  return {
    base,
    url: (name) => `${base}${name}.git`,
    commitTree,
    tail: () => daemon.tail(),
    stop: async () => {
      await daemon.stop();
      if (!opts.dir) rmSync(root, { recursive: true, force: true });
    },
  };
}
