// The runner's reads and removals in a workspace the stage command controlled. The command ran
// as the runner's own host user, so it could leave symlinks to the runner's files, FIFOs that
// block a reader, or directories the owner cannot enter: none of that may trick the runner.
import { constants } from 'node:fs';
import { chmod, lstat, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const RESULT_PATH = '.bosun/result.json';
export const RESULT_MAX_BYTES = 4096;

export type ResultFile = { kind: 'none' } | { kind: 'ok'; text: string } | { kind: 'unusable'; why: string };

/** /workspace/.bosun/result.json, read only if it is a regular file (no symlink) within the size limit. */
export const readResultFile = (workspace: string): Promise<ResultFile> =>
  readWorkspaceFile(workspace, RESULT_PATH, RESULT_MAX_BYTES);

/**
 * A file the command wrote, at `path` (relative, / separated) under the workspace: read only if every directory
 * on the way is a directory (no symlink) and the file is a regular file within `maxBytes`.
 */
export async function readWorkspaceFile(workspace: string, path: string, maxBytes: number): Promise<ResultFile> {
  const parts = path.split('/');
  let dir = workspace;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    const st = await lstat(dir).catch(() => undefined);
    if (st === undefined) return { kind: 'none' };
    if (!st.isDirectory()) return { kind: 'unusable', why: `${path}: ${part} is not a directory` };
  }
  let handle;
  try {
    // O_NOFOLLOW: not a symlink out of the workspace; O_NONBLOCK: a FIFO does not hang the runner
    handle = await open(
      join(dir, parts.at(-1) ?? ''),
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unusable', why: `${path} cannot be opened (${(err as NodeJS.ErrnoException).code})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'unusable', why: `${path} is not a regular file` };
    if (st.size > maxBytes)
      return { kind: 'unusable', why: `${path} is ${st.size} bytes, over the ${maxBytes}-byte limit` };
    // read one byte past the limit: the file's size is what it holds now, not what stat said
    const buf = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > maxBytes) return { kind: 'unusable', why: `${path} is over the ${maxBytes}-byte limit` };
    return { kind: 'ok', text: buf.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** Removes a directory tree the command wrote, even where it took away its owner's permissions. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    await grantOwner(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function grantOwner(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => undefined);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    // lstat-based: a symlink is never followed, so nothing outside the tree is touched
    if (e.isDirectory()) await grantOwner(join(dir, e.name));
  }
}
