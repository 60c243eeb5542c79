// File descriptors the runner holds without close-on-exec: whatever started the runner left them
// open, and a spawned child inherits them. Node cannot close them in the child before exec, and
// bwrap passes them on, so the sandbox is given /dev/null at those numbers instead.
import type { IOType } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

// Linux's O_CLOEXEC (fs.constants does not export it); fdinfo shows the flags in octal
const O_CLOEXEC = 0o2000000;

/** fds above 2 that a child of this process would inherit. */
export async function inheritableFds(procSelf = '/proc/self'): Promise<number[]> {
  const fds: number[] = [];
  for (const name of await readdir(`${procSelf}/fd`)) {
    const fd = Number(name);
    if (!(fd > 2)) continue;
    const info = await readFile(`${procSelf}/fdinfo/${fd}`, 'utf8').catch(() => undefined);
    const flags = info === undefined ? undefined : /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
    if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) fds.push(fd);
  }
  return fds.sort((a, b) => a - b);
}

/**
 * The stdio of the spawn: the given fds at 0 up to their count, then `nullFd` (an open /dev/null of
 * the parent) at each inheritable fd above them, so the child's copy of the leak is /dev/null.
 */
export function stdioCovering(given: IOType[], inheritable: number[], nullFd: number): (IOType | number)[] {
  const stdio: (IOType | number)[] = [...given];
  for (const fd of inheritable) {
    if (fd < given.length) continue;
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = nullFd;
  }
  return stdio;
}
