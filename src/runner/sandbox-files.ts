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
export async function readResultFile(workspace: string): Promise<ResultFile> {
  const dir = join(workspace, '.bosun');
  const dirStat = await lstat(dir).catch(() => undefined);
  if (dirStat === undefined) return { kind: 'none' };
  if (!dirStat.isDirectory()) return { kind: 'unusable', why: `${RESULT_PATH}: .bosun is not a directory` };
  let handle;
  try {
    // O_NOFOLLOW: not a symlink out of the workspace; O_NONBLOCK: a FIFO does not hang the runner
    handle = await open(join(dir, 'result.json'), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unusable', why: `${RESULT_PATH} cannot be opened (${(err as NodeJS.ErrnoException).code})` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'unusable', why: `${RESULT_PATH} is not a regular file` };
    if (st.size > RESULT_MAX_BYTES) {
      return { kind: 'unusable', why: `${RESULT_PATH} is ${st.size} bytes, over the ${RESULT_MAX_BYTES}-byte limit` };
    }
    // read one byte past the limit: the file's size is what it holds now, not what stat said
    const buf = Buffer.alloc(RESULT_MAX_BYTES + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > RESULT_MAX_BYTES) {
      return { kind: 'unusable', why: `${RESULT_PATH} is over the ${RESULT_MAX_BYTES}-byte limit` };
    }
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
