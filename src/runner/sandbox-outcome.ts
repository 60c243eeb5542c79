// What became of a stage command, from how bwrap ended (pure).
import { constants } from 'node:os';
import type { SandboxLimits, SandboxResult } from './sandbox-types.js';

export interface Ending {
  /** bwrap's exit code: the command's own, or 128 + the signal that ended it (as a shell reports it) */
  code: number | null;
  /** set when bwrap itself was ended by a signal (the runner's SIGKILL at a timeout or cancel) */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
}

export type Verdict = Pick<SandboxResult, 'outcome' | 'exitCode' | 'signal' | 'reason'>;

// the first name of a number is the usual one (SIGABRT, not SIGIOT)
const signalNames = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) if (!signalNames.has(n)) signalNames.set(n, name);

// what allocators and runtimes print when an allocation fails under RLIMIT_DATA
const OUT_OF_MEMORY =
  /out of memory|cannot allocate memory|memory exhausted|allocation failed|std::bad_alloc|MemoryError|ENOMEM/i;

export const mib = (bytes: number): string => `${Math.round((bytes / 2 ** 20) * 10) / 10} MiB`;

export function verdictOf(end: Ending, limits: SandboxLimits, output: string): Verdict {
  if (end.cancelled) return { outcome: 'cancelled', exitCode: null, signal: 'SIGKILL', reason: 'cancelled' };
  if (end.timedOut) {
    const reason = `killed after ${limits.timeoutSeconds} s (timeout)`;
    return { outcome: 'timeout', exitCode: null, signal: 'SIGKILL', reason };
  }
  if (end.code === null) {
    const signal = end.signal ?? 'SIGKILL';
    return { outcome: 'killed', exitCode: null, signal, reason: `the sandbox was killed by ${signal}` };
  }
  const memory = `exceeded the memory limit (${mib(limits.memoryBytes)})`;
  const cpu = `exceeded ${Math.max(1, Math.ceil(limits.cpuSeconds))} s of CPU`;
  // a command may exit 128+n itself; reading it as signal n is the shell's convention and bwrap's
  const signal = end.code > 128 ? signalNames.get(end.code - 128) : undefined;
  if (signal === undefined) {
    const oom = end.code !== 0 && OUT_OF_MEMORY.test(output);
    return { outcome: 'exited', exitCode: end.code, ...(oom ? { reason: memory } : {}) };
  }
  let reason = `killed by ${signal}`;
  if (signal === 'SIGXCPU') reason = cpu;
  else if (OUT_OF_MEMORY.test(output)) reason = memory;
  // the hard CPU limit and the kernel's OOM killer both send SIGKILL: which one is not knowable here
  else if (signal === 'SIGKILL') reason = `killed by SIGKILL (perhaps ${cpu}, or out of memory)`;
  return { outcome: 'killed', exitCode: null, signal, reason };
}
