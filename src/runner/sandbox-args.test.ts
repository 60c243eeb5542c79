import { describe, expect, it } from 'vitest';
import { requestProblem, sandboxArgv, sandboxEnv, type SandboxPlan } from './sandbox-args.js';
import type { SandboxRequest } from './sandbox-types.js';

const plan: SandboxPlan = {
  bwrap: '/usr/bin/bwrap',
  prlimit: '/usr/bin/prlimit',
  command: ['node', '-e', '1'],
  workspace: '/var/lib/bosun/ws/abc',
  network: false,
  cpuSeconds: 2.5,
  memoryBytes: 64 * 2 ** 20,
  rootEntries: [{ path: '/bin', symlinkTo: 'usr/bin' }, { path: '/lib' }],
  extraReadOnly: [],
};

/** the value after each occurrence of a flag */
const after = (args: string[], flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));

describe('sandboxArgv', () => {
  const { file, args } = sandboxArgv(plan);
  const bwrapAt = args.indexOf('/usr/bin/bwrap');

  it('sets the CPU (soft, then a second more hard) and memory limits in prlimit, which then runs bwrap', () => {
    expect(file).toBe('/usr/bin/prlimit');
    expect(args.slice(0, bwrapAt)).toEqual([`--cpu=3:4`, `--data=${64 * 2 ** 20}:${64 * 2 ** 20}`, '--']);
  });

  it('unshares every namespace, drops capabilities and runs as uid/gid 1000', () => {
    for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session']) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain('--share-net');
    expect(after(args, '--cap-drop')).toEqual(['ALL']);
    expect(after(args, '--uid')).toEqual(['1000']);
    expect(after(args, '--gid')).toEqual(['1000']);
  });

  it('shares the network only when asked, and only then binds resolv.conf', () => {
    const net = sandboxArgv({ ...plan, network: true }).args;
    expect(net).toContain('--share-net');
    expect(after(net, '--ro-bind-try')).toContain('/etc/resolv.conf');
    expect(after(args, '--ro-bind-try')).not.toContain('/etc/resolv.conf');
  });

  it('binds nothing of the host writable but the workspace, and no secrets of /etc', () => {
    expect(after(args, '--bind')).toEqual([plan.workspace]);
    expect(args).not.toContain('--dev-bind');
    const etc = after(args, '--ro-bind-try');
    for (const secret of ['/etc', '/etc/shadow', '/etc/passwd', '/etc/ssl', '/etc/ssl/private']) {
      expect(etc).not.toContain(secret);
    }
    expect(after(args, '--ro-bind')).toEqual(['/usr', '/lib']);
    expect(after(args, '--symlink')).toEqual(['usr/bin']);
    // the root and /dev are made read-only after everything is mounted on them
    expect(after(args, '--remount-ro')).toEqual(['/dev', '/']);
    expect(args.lastIndexOf('--remount-ro')).toBeGreaterThan(args.lastIndexOf('--bind'));
    expect(after(args, '--tmpfs')).toEqual(['/dev/shm', '/tmp']);
    expect(after(args, '--size')).toEqual([String(64 * 2 ** 20), String(64 * 2 ** 20)]);
  });

  it('binds node read-only when it lives outside /usr', () => {
    const nvm = sandboxArgv({ ...plan, extraReadOnly: ['/opt/node'] }).args;
    expect(after(nvm, '--ro-bind')).toContain('/opt/node');
  });

  it('binds a tools directory under /tmp after the sandbox mounts its own /tmp, which would hide it', () => {
    const cached = sandboxArgv({ ...plan, extraReadOnly: ['/tmp/cache/stage-tools'] }).args;
    const bind = cached.findIndex((a, i) => a === '--ro-bind' && cached[i + 1] === '/tmp/cache/stage-tools');
    expect(bind).toBeGreaterThan(cached.indexOf('/tmp'));
    expect(cached[cached.indexOf('/tmp') - 1]).toBe('--tmpfs');
  });

  it("ends with the command, exec'd by a shell that sends its stderr to its stdout", () => {
    expect(args.slice(-8)).toEqual(['--', '/bin/sh', '-c', 'exec "$@" 2>&1', 'sh', 'node', '-e', '1']);
  });
});

describe('sandboxEnv', () => {
  it('holds only what was given, a PATH and HOME=/workspace', () => {
    expect(sandboxEnv({ CI: 'true' }, [])).toEqual({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      CI: 'true',
      HOME: '/workspace',
    });
  });
  it('lets the request set PATH but not HOME', () => {
    expect(sandboxEnv({ PATH: '/x', HOME: '/root' }, [])).toEqual({ PATH: '/x', HOME: '/workspace' });
  });
  it("puts node's directory first when node lives outside /usr", () => {
    expect(sandboxEnv(undefined, ['/opt/node/bin']).PATH).toMatch(/^\/opt\/node\/bin:/);
  });
});

describe('requestProblem', () => {
  const limits = { timeoutSeconds: 1, cpuSeconds: 1, memoryBytes: 1, maxOutputBytes: 1 };
  it.each<{ why: string; req: Pick<SandboxRequest, 'command' | 'env' | 'limits'>; want: RegExp | undefined }>([
    { why: 'a good request', req: { command: ['true'], limits }, want: undefined },
    { why: 'no command', req: { command: [], limits }, want: /empty/ },
    { why: 'a NUL in an argument', req: { command: ['a\0b'], limits }, want: /NUL/ },
    { why: 'a bad variable name', req: { command: ['true'], env: { 'A=B': 'x' }, limits }, want: /name/ },
    { why: 'a NUL in a value', req: { command: ['true'], env: { A: '\0' }, limits }, want: /NUL/ },
    { why: 'a zero limit', req: { command: ['true'], limits: { ...limits, cpuSeconds: 0 } }, want: /cpuSeconds/ },
    { why: 'a NaN limit', req: { command: ['true'], limits: { ...limits, memoryBytes: NaN } }, want: /memoryBytes/ },
  ])('$why', ({ req, want }) => {
    const got = requestProblem(req);
    if (want === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(want);
  });
});
