// The command line that makes the sandbox (pure): prlimit sets the per-process limits and execs
// bwrap, which builds the namespaces and the filesystem and runs the stage command in them.
import type { SandboxRequest } from './sandbox-types.js';

/** Fixed places of the sandbox's fds: bwrap reads /etc/passwd and /etc/group from 3 and 4 and reports on 5. */
export const FD_PASSWD = 3;
export const FD_GROUP = 4;
export const FD_STATUS = 5;

export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
export const WORKSPACE = '/workspace';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * What of the host's /etc a tool may need (dynamic linker, Debian's alternatives, CA certificates,
 * name resolution, time zone) and nothing else: no shadow, no host users, no operator config.
 * Bound when present; /etc/resolv.conf only with the network.
 */
export const HOST_ETC = [
  '/etc/alternatives',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/ssl/certs',
  '/etc/ssl/openssl.cnf',
  '/etc/ca-certificates',
  '/etc/ca-certificates.conf',
  '/etc/localtime',
  '/etc/os-release',
  '/etc/nsswitch.conf',
  '/etc/host.conf',
  '/etc/gai.conf',
  '/etc/hosts',
  '/etc/protocols',
  '/etc/services',
];
const NETWORK_ETC = ['/etc/resolv.conf'];

export const PASSWD =
  'root:x:0:0:root:/root:/usr/sbin/nologin\n' +
  `bosun:x:${SANDBOX_UID}:${SANDBOX_GID}:Bosun stage:${WORKSPACE}:/bin/sh\n` +
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
export const GROUP = `root:x:0:\nbosun:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`;

/** A top-level entry of the host's / that holds programs: a symlink (merged /usr) or a directory. */
export interface RootEntry {
  path: string;
  symlinkTo?: string;
}

export interface SandboxPlan {
  bwrap: string;
  prlimit: string;
  command: string[];
  /** host directory bound read-write at /workspace */
  workspace: string;
  network: boolean;
  cpuSeconds: number;
  memoryBytes: number;
  /** /bin, /lib, ... as the host has them */
  rootEntries: RootEntry[];
  /** host directories bound read-only at the same path (node installed outside /usr) */
  extraReadOnly: string[];
}

export function sandboxArgv(plan: SandboxPlan): { file: string; args: string[] } {
  // soft limit: SIGXCPU, which says why; hard limit a second later: SIGKILL for a process that ignores it
  const cpu = Math.max(1, Math.ceil(plan.cpuSeconds));
  const mem = Math.floor(plan.memoryBytes);
  const fs: string[] = ['--ro-bind', '/usr', '/usr'];
  for (const e of plan.rootEntries) {
    fs.push(...(e.symlinkTo === undefined ? ['--ro-bind', e.path, e.path] : ['--symlink', e.symlinkTo, e.path]));
  }
  fs.push(
    ...['--proc', '/proc', '--dev', '/dev'],
    // tmpfs is memory the rlimits do not see: bound it by the same figure
    ...['--size', String(mem), '--tmpfs', '/dev/shm', '--size', String(mem), '--tmpfs', '/tmp'],
    ...['--perms', '0644', '--ro-bind-data', String(FD_PASSWD), '/etc/passwd'],
    ...['--perms', '0644', '--ro-bind-data', String(FD_GROUP), '/etc/group'],
  );
  // after the tmpfs mounts, so a directory under /tmp (a tools cache there) is not hidden by the sandbox's own /tmp
  for (const dir of plan.extraReadOnly) fs.push('--ro-bind', dir, dir);
  for (const f of plan.network ? [...HOST_ETC, ...NETWORK_ETC] : HOST_ETC) fs.push('--ro-bind-try', f, f);
  fs.push(
    ...['--bind', plan.workspace, WORKSPACE, '--chdir', WORKSPACE],
    // bwrap's root and /dev are writable tmpfs until now; only /workspace, /tmp and /dev/shm stay so
    ...['--remount-ro', '/dev', '--remount-ro', '/'],
  );
  const bwrapArgs = [
    '--unshare-all',
    ...(plan.network ? ['--share-net'] : []),
    // a user namespace always (not only when bwrap is not setuid), and none nested inside it
    ...['--unshare-user', '--disable-userns'],
    ...['--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), '--hostname', 'bosun-sandbox'],
    ...['--die-with-parent', '--new-session', '--cap-drop', 'ALL'],
    ...fs,
    ...['--json-status-fd', String(FD_STATUS)],
    '--',
    // one pipe for stderr and stdout, so the output keeps their order; the shell only execs the command
    ...['/bin/sh', '-c', 'exec "$@" 2>&1', 'sh'],
    ...plan.command,
  ];
  return {
    file: plan.prlimit,
    args: [`--cpu=${cpu}:${cpu + 1}`, `--data=${mem}:${mem}`, '--', plan.bwrap, ...bwrapArgs],
  };
}

/** The sandbox's whole environment: nothing of the runner's, so no operator secret leaks in. */
export function sandboxEnv(given: Record<string, string> | undefined, pathPrefix: string[]): Record<string, string> {
  return { PATH: [...pathPrefix, DEFAULT_PATH].join(':'), ...given, HOME: WORKSPACE };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a request cannot run as it is, or undefined. */
export function requestProblem(req: Pick<SandboxRequest, 'command' | 'env' | 'limits'>): string | undefined {
  if (req.command.length === 0 || req.command[0] === '') return 'the command is empty';
  if (req.command.some((a) => a.includes('\0'))) return 'a command argument contains a NUL byte';
  for (const [k, v] of Object.entries(req.env ?? {})) {
    if (!ENV_NAME.test(k)) return `the environment variable name ${JSON.stringify(k)} is not a valid name`;
    if (v.includes('\0')) return `the environment variable ${k} contains a NUL byte`;
  }
  for (const [k, v] of Object.entries(req.limits)) {
    if (!Number.isFinite(v) || v <= 0) return `limits.${k} must be a positive number, not ${v}`;
  }
  return undefined;
}
