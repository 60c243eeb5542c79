import { resolve } from 'node:path';
import { chmod, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCode, type BosunError } from '../api/errors.js';
import type { SandboxRequest, SandboxResult } from '../runner/runner.js';
import {
  caFrom,
  hostLabel,
  keyFrom,
  parseRunnerFlags,
  prepareWorkspaceDir,
  runnerUsage,
  sandboxUnder,
} from './runner.js';

const base = ['--url', 'https://127.0.0.1:9443', '--key-file', '/etc/bosun/key'];
const parse = (argv: string[]) => parseRunnerFlags(argv, 'Build-01.example.com', '/tmp');

/** The message of what `f` throws, after checking it is a config error. */
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
    return (err as BosunError).message;
  }
  throw new Error('expected a refusal');
};

describe('bosun runner flags', () => {
  it('fills the defaults: the host name as a label, capacity 2, a workspace dir per name, info logs', () => {
    expect(parse(base)).toEqual({
      url: 'https://127.0.0.1:9443',
      name: 'build-01',
      keyFile: '/etc/bosun/key',
      capacity: 2,
      workspaceDir: '/tmp/bosun-runner-build-01',
      tools: [],
      logLevel: 'info',
    });
  });

  it('takes stage tool directories as a :-separated list, made absolute', () => {
    expect(parse([...base, '--tools', '/opt/stage-tools:rel/tools']).tools).toEqual([
      '/opt/stage-tools',
      resolve('rel/tools'),
    ]);
  });

  it('takes every flag, in either form', () => {
    const f = parse([
      ...base,
      '--name=gpu-1',
      '--ca-file',
      '/etc/bosun/ca.pem',
      '--capacity',
      '8',
      '--workspace-dir',
      '/srv/bosun/ws',
      '--log-level',
      'debug',
    ]);
    expect(f).toMatchObject({
      name: 'gpu-1',
      caFile: '/etc/bosun/ca.pem',
      capacity: 8,
      workspaceDir: '/srv/bosun/ws',
      logLevel: 'debug',
    });
  });

  it.each([
    { why: 'no URL', argv: ['--key-file', 'k'], flag: '--url', says: /is required/ },
    { why: 'plain http to another host', argv: ['--url', 'http://bosun:9443', '--key-file', 'k'], flag: '--url' },
    { why: 'a URL with credentials', argv: ['--url', 'https://u:p@bosun:9443', '--key-file', 'k'], flag: '--url' },
    { why: 'no key file', argv: ['--url', 'https://bosun:9443'], flag: '--key-file', says: /is required/ },
    { why: 'a name that is no DNS label', argv: [...base, '--name', 'Build_01'], flag: '--name' },
    { why: 'zero capacity', argv: [...base, '--capacity', '0'], flag: '--capacity', says: /from 1 to 64/ },
    { why: 'too much capacity', argv: [...base, '--capacity', '65'], flag: '--capacity' },
    { why: 'a capacity that is no number', argv: [...base, '--capacity', 'two'], flag: '--capacity' },
    { why: 'an unknown log level', argv: [...base, '--log-level', 'loud'], flag: '--log-level' },
    { why: 'an unknown flag', argv: [...base, '--token', 'x'], flag: '--token' },
    { why: 'a positional argument', argv: [...base, 'extra'], flag: 'extra' },
  ])('refuses $why, naming the flag', ({ argv, flag, says }) => {
    const message = refusal(() => parse(argv));
    expect(message).toContain(flag);
    if (says) expect(message).toMatch(says);
  });

  it('lists every flag in its usage', () => {
    for (const f of ['--url', '--name', '--key-file', '--ca-file', '--capacity', '--workspace-dir', '--log-level'])
      expect(runnerUsage()).toContain(f);
  });

  it.each([
    ['build-01.example.com', 'build-01'],
    ['MY_HOST', 'my-host'],
    ['-x-', 'x'],
    ['…', 'runner'],
    ['a'.repeat(70), 'a'.repeat(63)],
  ])('cuts the host name %s to the label %s', (host, want) => {
    expect(hostLabel(host)).toBe(want);
  });
});

describe('the key and CA files', () => {
  const key = 'k'.repeat(32);

  it('takes the key without the whitespace around it', () => {
    expect(keyFrom(Buffer.from(`  ${key}\n`), '/k').toString()).toBe(key);
  });

  it('refuses a short key, giving its length but never the key', () => {
    const message = refusal(() => keyFrom(Buffer.from('short-secret\n'), '/etc/k'));
    expect(message).toMatch(/--key-file: \/etc\/k holds 12 bytes.*at least 32/);
    expect(message).not.toContain('short-secret');
  });

  it('refuses a CA file with no certificate in it', () => {
    expect(refusal(() => caFrom('hello', '/ca.pem'))).toContain('--ca-file');
    expect(caFrom('-----BEGIN CERTIFICATE-----\nx\n', '/ca.pem')).toContain('BEGIN');
  });
});

describe('the workspace directory', () => {
  const dirs: string[] = [];
  const scratch = async () => {
    const d = await mkdtemp(join(tmpdir(), 'bosun-runner-test-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('is made with mode 0700, and an existing one is narrowed to it', async () => {
    const d = join(await scratch(), 'a', 'ws');
    await prepareWorkspaceDir(d);
    expect((await stat(d)).mode & 0o777).toBe(0o700);
    const open = await scratch();
    await chmod(open, 0o755);
    await prepareWorkspaceDir(open);
    expect((await stat(open)).mode & 0o777).toBe(0o700);
  });

  it.each([
    { why: 'a file', make: async (d: string) => writeFile(join(d, 'x'), '') },
    { why: 'a symlink to a directory', make: async (d: string) => symlink(tmpdir(), join(d, 'x')) },
  ])('refuses $why', async ({ make }) => {
    const d = await scratch();
    await make(d);
    await expect(prepareWorkspaceDir(join(d, 'x'))).rejects.toThrow(/--workspace-dir/);
  });

  it("refuses another user's directory", async () => {
    const d = await scratch();
    const mine = (await stat(d)).uid;
    await expect(prepareWorkspaceDir(d, mine + 1)).rejects.toThrow(/belongs to uid/);
  });

  it("puts each stage's workspace under it and removes it after, whatever was left in it", async () => {
    const d = await scratch();
    const seen: (string | undefined)[] = [];
    const result: SandboxResult = {
      outcome: 'exited',
      exitCode: 0,
      output: '',
      startedAt: new Date(0),
      finishedAt: new Date(0),
    };
    const sandbox = sandboxUnder(d, async (req: SandboxRequest) => {
      seen.push(req.workspace);
      await writeFile(join(req.workspace!, 'left-behind'), 'x');
      return result;
    });
    const limits = { timeoutSeconds: 1, cpuSeconds: 1, memoryBytes: 1, maxOutputBytes: 1 };
    expect(await sandbox.run({ command: ['true'], limits })).toBe(result);
    expect(seen[0]?.startsWith(join(d, 'ws-'))).toBe(true);
    expect(await readdir(d)).toEqual([]);
  });
});
