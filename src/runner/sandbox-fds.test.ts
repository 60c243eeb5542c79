import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inheritableFds, stdioCovering } from './sandbox-fds.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('inheritableFds', () => {
  it('lists the fds above 2 without close-on-exec', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-fds-test-'));
    await mkdir(join(dir, 'fd'));
    await mkdir(join(dir, 'fdinfo'));
    const flags: Record<string, string> = { 0: '02', 1: '01', 2: '01', 3: '02000002', 7: '0100001', 12: '01' };
    for (const [fd, f] of Object.entries(flags)) {
      await writeFile(join(dir, 'fd', fd), '');
      await writeFile(join(dir, 'fdinfo', fd), `pos:\t0\nflags:\t${f}\nmnt_id:\t1\n`);
    }
    expect(await inheritableFds(dir)).toEqual([7, 12]);
  });

  it('reads this process without failing', async () => {
    expect(Array.isArray(await inheritableFds())).toBe(true);
  });
});

describe('stdioCovering', () => {
  it('puts the null fd at each inheritable fd past the given ones', () => {
    expect(stdioCovering(['ignore', 'pipe', 'pipe'], [1, 4, 6], 99)).toEqual([
      'ignore',
      'pipe',
      'pipe',
      'ignore',
      99,
      'ignore',
      99,
    ]);
  });
  it('leaves the given stdio alone when nothing leaks', () => {
    expect(stdioCovering(['pipe'], [], 99)).toEqual(['pipe']);
  });
});
