import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readResultFile, removeTree } from './sandbox-files.js';

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(join(tmpdir(), 'bosun-files-test-'));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe('readResultFile', () => {
  it('none when the command wrote none', async () => {
    expect(await readResultFile(ws)).toEqual({ kind: 'none' });
    await mkdir(join(ws, '.bosun'));
    expect(await readResultFile(ws)).toEqual({ kind: 'none' });
  });

  it('the text of a result within 4096 bytes', async () => {
    await mkdir(join(ws, '.bosun'));
    await writeFile(join(ws, '.bosun/result.json'), 'x'.repeat(4096));
    expect(await readResultFile(ws)).toEqual({ kind: 'ok', text: 'x'.repeat(4096) });
  });

  it('not a result over 4096 bytes', async () => {
    await mkdir(join(ws, '.bosun'));
    await writeFile(join(ws, '.bosun/result.json'), 'x'.repeat(4097));
    expect(await readResultFile(ws)).toMatchObject({ kind: 'unusable', why: expect.stringMatching(/4096/) });
  });

  it('never follows a symlink out of the workspace (the file or its directory)', async () => {
    const outside = join(ws, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'result.json'), 'host secret');
    await mkdir(join(ws, '.bosun'));
    await symlink(join(outside, 'result.json'), join(ws, '.bosun/result.json'));
    expect(await readResultFile(ws)).toMatchObject({ kind: 'unusable' });
    await rm(join(ws, '.bosun'), { recursive: true });
    await symlink(outside, join(ws, '.bosun'));
    expect(await readResultFile(ws)).toMatchObject({ kind: 'unusable' });
  });

  it('does not hang on a FIFO or read a directory', async () => {
    await mkdir(join(ws, '.bosun'));
    execFileSync('mkfifo', [join(ws, '.bosun/result.json')]);
    expect(await readResultFile(ws)).toMatchObject({ kind: 'unusable', why: expect.stringMatching(/regular/) });
    await rm(join(ws, '.bosun/result.json'));
    await mkdir(join(ws, '.bosun/result.json'));
    expect(await readResultFile(ws)).toMatchObject({ kind: 'unusable' });
  });
});

describe('removeTree', () => {
  it('removes a tree whose directories lost their permissions, and nothing a symlink points to', async () => {
    const keep = join(ws, 'keep');
    await mkdir(keep);
    await writeFile(join(keep, 'f'), 'x');
    const tree = join(ws, 'tree');
    await mkdir(join(tree, 'a/b'), { recursive: true });
    await writeFile(join(tree, 'a/b/f'), 'x');
    await symlink(keep, join(tree, 'a/link'));
    await chmod(join(tree, 'a/b'), 0);
    await chmod(join(tree, 'a'), 0);
    await removeTree(tree);
    expect(existsSync(tree)).toBe(false);
    expect(await readdir(keep)).toEqual(['f']);
  });
});
