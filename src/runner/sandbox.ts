// Runs one stage command in a bubblewrap sandbox: its own user (uid 1000), PID, mount, IPC, UTS
// and network namespaces, the host's /usr and a few files of /etc read-only, a private /tmp, and
// one writable host directory at /workspace. prlimit caps each process's CPU time and memory; the
// runner kills the whole sandbox at the wall-clock limit or on cancel.
import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, type FileHandle, mkdtemp, open, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BosunError } from '../api/errors.js';
import {
  FD_GROUP,
  FD_PASSWD,
  FD_STATUS,
  GROUP,
  PASSWD,
  requestProblem,
  sandboxArgv,
  sandboxEnv,
  type RootEntry,
} from './sandbox-args.js';
import { inheritableFds, stdioCovering } from './sandbox-fds.js';
import { readResultFile, removeTree } from './sandbox-files.js';
import { verdictOf, type Ending } from './sandbox-outcome.js';
import { OutputTail } from './sandbox-tail.js';
import type { SandboxLimits, SandboxRequest, SandboxResult } from './sandbox-types.js';

export type { SandboxLimits, SandboxRequest, SandboxResult } from './sandbox-types.js';

export interface SandboxOptions {
  /** default /usr/bin/bwrap */
  bwrap?: string;
  /** default /usr/bin/prlimit (util-linux) */
  prlimit?: string;
  now?: () => Date;
  /** host directories of stage tools (ESLint, crane, Trivy): each bound read-only at its path, its bin/ on PATH */
  tools?: readonly string[];
}

const DEFAULT_BWRAP = '/usr/bin/bwrap';
const DEFAULT_PRLIMIT = '/usr/bin/prlimit';

export async function runSandboxed(req: SandboxRequest, opts: SandboxOptions = {}): Promise<SandboxResult> {
  const problem = requestProblem(req);
  if (problem !== undefined) throw new BosunError('BOSUN_ERR_SANDBOX', `the stage command cannot run: ${problem}`);
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  if (req.signal?.aborted) {
    return { outcome: 'cancelled', exitCode: null, reason: 'cancelled', output: '', startedAt, finishedAt: now() };
  }
  const tools = opts.tools ?? [];
  const ephemeral = req.workspace === undefined;
  const workspace = req.workspace ?? (await mkdtemp(join(tmpdir(), 'bosun-ws-')));
  try {
    if (!ephemeral) await mustBeDirectory(workspace);
    const host = await hostLayout();
    const { file, args } = sandboxArgv({
      bwrap: opts.bwrap ?? DEFAULT_BWRAP,
      prlimit: opts.prlimit ?? DEFAULT_PRLIMIT,
      command: req.command,
      workspace,
      network: req.network ?? false,
      cpuSeconds: req.limits.cpuSeconds,
      memoryBytes: req.limits.memoryBytes,
      rootEntries: host.rootEntries,
      extraReadOnly: [...host.extraReadOnly, ...tools],
    });
    const stdio = stdioCovering(
      ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
      host.leakedFds,
      host.nullFile?.fd ?? -1,
    );
    const path = [...tools.map((t) => join(t, 'bin')), ...host.pathPrefix];
    const run = await execute(file, args, stdio, sandboxEnv(req.env, path), req.limits, req.signal);
    const verdict = verdictOf(run.ending, req.limits, run.output);
    const found = await readResultFile(workspace);
    const reasons = [verdict.reason, found.kind === 'unusable' ? found.why : undefined].filter((r) => r !== undefined);
    return {
      ...verdict,
      ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
      output: run.output,
      ...(found.kind === 'ok' ? { result: found.text } : {}),
      startedAt,
      finishedAt: now(),
    };
  } finally {
    if (ephemeral) await removeTree(workspace);
  }
}

/** bwrap is present and can make the namespaces here (run once at runner start; a clear error if not). */
export async function checkSandbox(opts: { bwrap?: string; prlimit?: string } = {}): Promise<void> {
  const bwrap = opts.bwrap ?? DEFAULT_BWRAP;
  const prlimit = opts.prlimit ?? DEFAULT_PRLIMIT;
  await access(bwrap, constants.X_OK).catch((err: unknown) => {
    throw new BosunError(
      'BOSUN_ERR_SANDBOX',
      `bubblewrap is not installed at ${bwrap}: install it (Debian, Ubuntu: apt-get install bubblewrap; ` +
        'Fedora: dnf install bubblewrap) or give its path',
      { cause: err },
    );
  });
  await access(prlimit, constants.X_OK).catch((err: unknown) => {
    throw new BosunError(
      'BOSUN_ERR_SANDBOX',
      `prlimit is not installed at ${prlimit}: install util-linux (Debian, Ubuntu: apt-get install util-linux)`,
      { cause: err },
    );
  });
  const limits = { timeoutSeconds: 30, cpuSeconds: 10, memoryBytes: 256 * 2 ** 20, maxOutputBytes: 4096 };
  let res: SandboxResult;
  try {
    res = await runSandboxed({ command: ['true'], limits }, { bwrap, prlimit });
  } catch (err) {
    if (!(err instanceof BosunError)) throw err;
    throw new BosunError(
      'BOSUN_ERR_SANDBOX',
      `${err.message.replace(/^BOSUN_ERR_SANDBOX: /, '')}. bwrap needs user namespaces: allow them ` +
        '(sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1 where it exists; on Ubuntu 24.04 ' +
        'kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap), and in a container ' +
        'a seccomp and AppArmor profile that permit unshare and mount',
      { cause: err },
    );
  }
  if (res.outcome !== 'exited' || res.exitCode !== 0) {
    throw new BosunError(
      'BOSUN_ERR_SANDBOX',
      `a trial command in the sandbox did not succeed (${res.reason ?? `exit ${res.exitCode}`}): ${res.output}`,
    );
  }
}

async function mustBeDirectory(path: string): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory() !== true) {
    throw new BosunError('BOSUN_ERR_SANDBOX', `the workspace ${path} is not a directory on the runner's host`);
  }
}

interface HostLayout {
  rootEntries: RootEntry[];
  extraReadOnly: string[];
  pathPrefix: string[];
  /** fds the runner was started with and would pass on, and a /dev/null to put in their place */
  leakedFds: number[];
  nullFile: FileHandle | undefined;
}

let layout: Promise<HostLayout> | undefined;

/** How this host lays out its programs, and the runner's inherited fds: read once, they do not change. */
function hostLayout(): Promise<HostLayout> {
  layout ??= readHostLayout();
  return layout;
}

async function readHostLayout(): Promise<HostLayout> {
  const rootEntries: RootEntry[] = [];
  for (const path of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    const st = await lstat(path).catch(() => undefined);
    if (st?.isSymbolicLink() === true) rootEntries.push({ path, symlinkTo: await readlink(path) });
    else if (st?.isDirectory() === true) rootEntries.push({ path });
  }
  // node outside /usr (nvm, /opt): bind its installation so stage commands can run the same node
  const node = await realpath(process.execPath);
  const outside = !node.startsWith('/usr/');
  const leakedFds = await inheritableFds();
  // opened once for the runner's lifetime (close-on-exec, as Node opens every file); the handle is
  // kept, since Node closes a collected FileHandle and its fd number would then be another file's
  const nullFile = leakedFds.length > 0 ? await open('/dev/null', 'r') : undefined;
  return {
    rootEntries,
    extraReadOnly: outside ? [dirname(dirname(node))] : [],
    pathPrefix: outside ? [dirname(node)] : [],
    leakedFds,
    nullFile,
  };
}

interface Run {
  ending: Ending;
  output: string;
}

function execute(
  file: string,
  args: string[],
  stdio: StdioOptions,
  env: Record<string, string>,
  limits: SandboxLimits,
  signal: AbortSignal | undefined,
): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    // detached: bwrap leads a process group of its own, which the runner kills as one
    const child = spawn(file, args, { detached: true, env, stdio });
    // fds 3 to 5 are pipes too; Node's types know only of the first three
    const pipes = child.stdio as unknown as [null, Readable, Readable, Writable, Writable, Readable];
    const tail = new OutputTail(limits.maxOutputBytes);
    child.stdout?.on('data', (c: Buffer) => tail.push(c));
    child.stderr?.on('data', (c: Buffer) => tail.push(c));
    pipes[FD_PASSWD].end(PASSWD);
    pipes[FD_GROUP].end(GROUP);
    let status = '';
    pipes[FD_STATUS].on('data', (c: Buffer) => {
      if (status.length < 65536) status += c.toString('utf8');
    });
    // writes to fds bwrap has closed (it failed early) must not crash the runner
    for (const p of [pipes[FD_PASSWD], pipes[FD_GROUP]]) p.on('error', () => undefined);

    let timedOut = false;
    let cancelled = false;
    const killAll = (): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // setTimeout fires at once past 2^31-1 ms (24.8 days): a limit that long is no limit
    const timeoutMs = Math.min(limits.timeoutSeconds * 1000, 2 ** 31 - 1);
    const timer = setTimeout(() => {
      timedOut = !cancelled;
      killAll();
    }, timeoutMs);
    const onAbort = (): void => {
      cancelled = !timedOut;
      killAll();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // aborted while the sandbox was being prepared: the event has passed, so act on the state
    if (signal?.aborted === true) onAbort();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    child.on('error', (err) => {
      done();
      killAll();
      reject(new BosunError('BOSUN_ERR_SANDBOX', `cannot start ${file}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, sig) => {
      done();
      const sandboxPid = /"child-pid":\s*(\d+)/.exec(status)?.[1];
      if (sandboxPid === undefined && !timedOut && !cancelled) {
        // bwrap (or prlimit) failed before the command started: its own message says why
        const why = tail.text().trim().slice(-500) || `exit ${code ?? sig}`;
        reject(new BosunError('BOSUN_ERR_SANDBOX', `bwrap could not make the sandbox: ${why}`));
        return;
      }
      const ending: Ending = { code, signal: sig, timedOut, cancelled };
      // killed from outside, bwrap's PID 1 takes the sandbox down after bwrap: wait for that
      const settled = sandboxPid === undefined ? Promise.resolve() : untilGone(Number(sandboxPid));
      void settled.then(() => resolve({ ending, output: tail.text() }));
    });
  });
}

/** Until a process is gone or a zombie (a PID 1 becomes a zombie only once its namespace is empty). */
async function untilGone(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    // the state follows the command name, which is in parentheses and may hold anything
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return;
    await sleep(10);
  }
}
