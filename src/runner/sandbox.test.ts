// Runs real commands in real bubblewrap sandboxes: each test is a property the runner relies on
// (isolation, limits, cancel), asserted by outcome, never by how long something took.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { checkSandbox, runSandboxed, type SandboxLimits } from './sandbox.js';

const BWRAP = '/usr/bin/bwrap';
const limits: SandboxLimits = { timeoutSeconds: 20, cpuSeconds: 10, memoryBytes: 512 * 2 ** 20, maxOutputBytes: 65536 };
const node = (script: string): string[] => ['node', '-e', script];

/** Host processes whose command line holds `marker` (a sandboxed process is one too, seen from the host). */
async function hostProcessesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(20);
}

describe.skipIf(!existsSync(BWRAP))(`runSandboxed (skipped when bubblewrap is not installed at ${BWRAP})`, () => {
  let ws: string;
  beforeEach(async () => {
    ws = await mkdtemp(join(tmpdir(), 'bosun-sandbox-test-'));
  });
  afterEach(async () => {
    await rm(ws, { recursive: true, force: true });
  });

  it('passes the check the runner makes at start', async () => {
    await expect(checkSandbox()).resolves.toBeUndefined();
  });

  it('runs a command that sees its workspace and nothing else of the host', async () => {
    await writeFile(join(ws, 'hello.txt'), 'hello from the host');
    const script = `const fs = require('fs');
      fs.writeFileSync('/workspace/made.txt', 'made inside');
      console.log(JSON.stringify({
        hello: fs.readFileSync('/workspace/hello.txt', 'utf8'),
        cwd: process.cwd(),
        root: fs.readdirSync('/'),
        hostWorkspace: fs.existsSync(${JSON.stringify(ws)}),
        processes: fs.readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n)).length,
      }));`;
    const res = await runSandboxed({ command: node(script), workspace: ws, limits });
    expect(res).toMatchObject({ outcome: 'exited', exitCode: 0 });
    const seen = JSON.parse(res.output) as Record<string, unknown>;
    expect(seen).toMatchObject({ hello: 'hello from the host', cwd: '/workspace', hostWorkspace: false });
    const allowed = ['bin', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'sbin', 'tmp', 'usr', 'workspace'];
    expect((seen.root as string[]).filter((d) => !allowed.includes(d))).toEqual([]);
    // its own PID namespace: bwrap's PID 1 and the command, not the host's processes
    expect(seen.processes).toBeLessThanOrEqual(3);
    expect(await readFile(join(ws, 'made.txt'), 'utf8')).toBe('made inside');
  });

  describe('network', () => {
    let server: Server;
    let port: number;
    let accepted = 0;
    beforeAll(async () => {
      server = createServer((s) => {
        accepted++;
        s.end('pong');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = (p: number): string[] =>
      node(`const s = require('net').connect(${p}, '127.0.0.1');
        s.on('data', (d) => { console.log('got ' + d); process.exit(0); });
        s.on('error', (e) => { console.log('failed ' + e.code); process.exit(7); });`);

    it('cannot reach a server on the host loopback with the network off', async () => {
      const before = accepted;
      const res = await runSandboxed({ command: connect(port), limits });
      expect(res).toMatchObject({ outcome: 'exited', exitCode: 7 });
      expect(res.output).toMatch(/failed ECONNREFUSED/);
      expect(accepted).toBe(before);
    });

    it('reaches it with network: true', async () => {
      const res = await runSandboxed({ command: connect(port), network: true, limits });
      expect(res).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(res.output).toContain('got pong');
    });
  });

  it('runs as uid 1000 with no capabilities and can write only /workspace, /tmp and /dev/shm', async () => {
    const hostName = `bosun-sandbox-test-${process.pid}-${Date.now()}`;
    const script = [
      'id -u; id -g; grep CapEff /proc/self/status',
      `for p in /usr/x /etc/x /home/x /x /proc/x /dev/x /var/x /root/x /${hostName}; do`,
      '  (echo x > "$p") 2>/dev/null && echo "wrote $p"',
      'done',
      `echo x > /tmp/${hostName} && echo wrote-tmp`,
      'echo x > /workspace/w && echo wrote-workspace',
    ].join('\n');
    const res = await runSandboxed({ command: ['sh', '-c', script], workspace: ws, limits });
    expect(res).toMatchObject({ outcome: 'exited', exitCode: 0 });
    const lines = res.output.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['1000', '1000', 'CapEff:\t0000000000000000']);
    expect(lines.slice(3)).toEqual(['wrote-tmp', 'wrote-workspace']);
    // the sandbox's /tmp is its own, and gone with it
    expect(existsSync(join('/tmp', hostName))).toBe(false);
    const again = await runSandboxed({ command: ['sh', '-c', `ls /tmp; test -e /tmp/${hostName}`], limits });
    expect(again).toMatchObject({ outcome: 'exited', exitCode: 1, output: '' });
  });

  it('holds no open file of the runner: above stdio, only /dev/null where the runner had an inherited fd', async () => {
    // ls lists the fds of the shell, which the wrapper shell exec'd: what the command got
    const res = await runSandboxed({ command: ['sh', '-c', 'ls -l /proc/$$/fd'], limits });
    expect(res.outcome).toBe('exited');
    const fds = [...res.output.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(fds.filter(([fd]) => Number(fd) <= 2).map(([fd]) => fd)).toEqual(['0', '1', '2']);
    expect(fds.filter(([fd, target]) => Number(fd) > 2 && target !== '/dev/null')).toEqual([]);
  });

  it('holds only the environment it was given', async () => {
    process.env.BOSUN_SANDBOX_TEST_MARKER = 'operator-secret-value';
    try {
      const res = await runSandboxed({ command: ['env'], env: { STAGE: 'lint' }, limits });
      expect(res.outcome).toBe('exited');
      expect(res.output).not.toContain('BOSUN_SANDBOX_TEST_MARKER');
      expect(res.output).not.toContain('operator-secret-value');
      const names = res.output
        .trim()
        .split('\n')
        .map((l) => l.split('=')[0]);
      // PWD: bwrap sets it at --chdir
      expect(names.sort()).toEqual(['HOME', 'PATH', 'PWD', 'STAGE']);
      expect(res.output).toContain('HOME=/workspace\n');
    } finally {
      delete process.env.BOSUN_SANDBOX_TEST_MARKER;
    }
  });

  it('kills the whole sandbox at the timeout and leaves no process behind', async () => {
    // an unusual duration is a marker no other process on the host has
    const marker = `61.${process.pid}`;
    const command = ['sh', '-c', `trap '' TERM INT HUP; sleep ${marker} & sleep ${marker} >/dev/null 2>&1 & wait`];
    const res = await runSandboxed({ command, limits: { ...limits, timeoutSeconds: 1 } });
    expect(res).toMatchObject({ outcome: 'timeout', exitCode: null, signal: 'SIGKILL' });
    expect(res.reason).toBe('killed after 1 s (timeout)');
    expect(await hostProcessesWith(`sleep\0${marker}`)).toEqual([]);
  });

  it('kills a busy loop at the CPU limit', async () => {
    const res = await runSandboxed({ command: node('for (;;) {}'), limits: { ...limits, cpuSeconds: 1 } });
    expect(res).toMatchObject({ outcome: 'killed', signal: 'SIGXCPU', reason: 'exceeded 1 s of CPU' });
  });

  it('stops a memory hog at the memory limit, and lets a modest command run under it', async () => {
    const small = { ...limits, memoryBytes: 64 * 2 ** 20 };
    const hog = await runSandboxed({
      command: node('const a = []; for (;;) a.push(Buffer.alloc(2 ** 20, 1));'),
      limits: small,
    });
    expect(hog.outcome === 'exited' && hog.exitCode === 0).toBe(false);
    expect(hog.reason).toMatch(/exceeded the memory limit \(64 MiB\)/);
    const modest = await runSandboxed({
      command: node('const a = []; for (let i = 0; i < 8; i++) a.push(Buffer.alloc(2 ** 20, 1)); console.log("ok")'),
      limits: small,
    });
    expect(modest).toMatchObject({ outcome: 'exited', exitCode: 0, output: 'ok\n' });
  });

  it('cancels through the AbortSignal, killing everything in the sandbox', async () => {
    const marker = `62.${process.pid}`;
    const ac = new AbortController();
    const command = ['sh', '-c', `sleep ${marker} & touch /workspace/started; wait`];
    const running = runSandboxed({ command, workspace: ws, signal: ac.signal, limits });
    await until(() => existsSync(join(ws, 'started')));
    ac.abort();
    const res = await running;
    expect(res).toMatchObject({ outcome: 'cancelled', exitCode: null, reason: 'cancelled' });
    expect(await hostProcessesWith(`sleep\0${marker}`)).toEqual([]);
  });

  it('cancels when the signal is aborted while the sandbox is being prepared', async () => {
    const marker = `63.${process.pid}`;
    const ac = new AbortController();
    // runSandboxed is past its first check and awaiting the workspace when the abort comes
    const running = runSandboxed({ command: ['sleep', marker], signal: ac.signal, limits });
    ac.abort();
    expect(await running).toMatchObject({ outcome: 'cancelled' });
    expect(await hostProcessesWith(`sleep\0${marker}`)).toEqual([]);
  });

  it('does not start a command whose signal is already aborted', async () => {
    const res = await runSandboxed({
      command: ['touch', '/workspace/ran'],
      workspace: ws,
      signal: AbortSignal.abort(),
      limits,
    });
    expect(res.outcome).toBe('cancelled');
    expect(existsSync(join(ws, 'ran'))).toBe(false);
  });

  it('keeps only the tail of stdout and stderr, within maxOutputBytes', async () => {
    const script = `for (let i = 0; i < 20000; i++) console.log('line ' + i + ' é'); console.log('END');`;
    const res = await runSandboxed({ command: node(script), limits: { ...limits, maxOutputBytes: 1000 } });
    expect(res.outcome).toBe('exited');
    expect(Buffer.byteLength(res.output)).toBeLessThanOrEqual(1000);
    expect(res.output).toMatch(/line 19999 é\nEND\n$/);
    expect(res.output).not.toContain('line 0 ');
    const both = await runSandboxed({ command: ['sh', '-c', 'echo out; echo err >&2; echo out2'], limits });
    expect(both.output).toBe('out\nerr\nout2\n');
  });

  it('reads /workspace/.bosun/result.json within 4096 bytes, and says so when it is larger', async () => {
    const write = (bytes: number): string[] =>
      node(
        `require('fs').mkdirSync('.bosun'); require('fs').writeFileSync('.bosun/result.json', 'x'.repeat(${bytes}))`,
      );
    const ok = await runSandboxed({ command: write(100), limits });
    expect(ok.result).toBe('x'.repeat(100));
    const big = await runSandboxed({ command: write(5000), limits });
    expect(big).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(big.result).toBeUndefined();
    expect(big.reason).toMatch(/4096/);
  });

  it('never reads a result.json that is a symlink to a file of the host', async () => {
    const secret = join(ws, 'host-secret');
    await writeFile(secret, 'host secret');
    const inner = await mkdtemp(join(ws, 'inner-'));
    await mkdir(join(inner, '.bosun'));
    await symlink(secret, join(inner, '.bosun/result.json'));
    const res = await runSandboxed({ command: ['true'], workspace: inner, limits });
    expect(res.result).toBeUndefined();
    expect(res.reason).toMatch(/result\.json/);
  });

  it('makes an ephemeral workspace when none is given and removes it after', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = ws; // os.tmpdir() reads it: the ephemeral workspace is made in here
    try {
      const script = 'mkdir -p a/b && echo x > a/b/f && chmod 0 a/b a && pwd';
      const res = await runSandboxed({ command: ['sh', '-c', script], limits });
      expect(res).toMatchObject({ outcome: 'exited', exitCode: 0, output: '/workspace\n' });
      expect(await readdir(ws)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('refuses a workspace that does not exist and an unusable request, with a code', async () => {
    const missing = runSandboxed({ command: ['true'], workspace: join(ws, 'nope'), limits });
    await expect(missing).rejects.toSatisfy((e) => hasCode(e, 'BOSUN_ERR_SANDBOX'));
    const badEnv = runSandboxed({ command: ['true'], env: { 'NOT A NAME': 'x' }, limits });
    await expect(badEnv).rejects.toSatisfy((e) => hasCode(e, 'BOSUN_ERR_SANDBOX'));
  });
});

describe('checkSandbox', () => {
  it('says to install bubblewrap when bwrap is missing', async () => {
    const err = await checkSandbox({ bwrap: '/nonexistent/bwrap' }).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_SANDBOX')).toBe(true);
    expect(String(err)).toMatch(/apt-get install bubblewrap/);
  });

  it('says to install util-linux when prlimit is missing', async () => {
    const err = await checkSandbox({ prlimit: '/nonexistent/prlimit' }).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_SANDBOX')).toBe(true);
    expect(String(err)).toMatch(/util-linux/);
  });

  it.skipIf(!existsSync('/usr/bin/false'))('says what bwrap needs when it cannot make the sandbox', async () => {
    // a "bwrap" that fails at once stands for one the kernel refuses namespaces to
    const err = await checkSandbox({ bwrap: '/usr/bin/false' }).catch((e: unknown) => e);
    expect(hasCode(err, 'BOSUN_ERR_SANDBOX')).toBe(true);
    expect(String(err)).toMatch(/user namespaces/);
  });
});
