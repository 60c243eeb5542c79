import { describe, expect, it } from 'vitest';
import { mib, verdictOf, type Ending } from './sandbox-outcome.js';

const limits = { timeoutSeconds: 10, cpuSeconds: 2, memoryBytes: 64 * 2 ** 20, maxOutputBytes: 1000 };
const end = (e: Partial<Ending>): Ending => ({ code: 0, signal: null, timedOut: false, cancelled: false, ...e });

describe('verdictOf', () => {
  it.each([
    { why: 'a clean exit', e: end({}), out: '', want: { outcome: 'exited', exitCode: 0 } },
    { why: 'a failing exit keeps its code', e: end({ code: 3 }), out: 'x', want: { outcome: 'exited', exitCode: 3 } },
    {
      why: 'an exit after an allocation failure names the memory limit',
      e: end({ code: 2 }),
      out: 'sh: Cannot allocate memory\n',
      want: { outcome: 'exited', exitCode: 2, reason: 'exceeded the memory limit (64 MiB)' },
    },
    {
      why: 'a successful command that prints "out of memory" is not blamed on the limit',
      e: end({ code: 0 }),
      out: 'checking out of memory handling... ok',
      want: { outcome: 'exited', exitCode: 0 },
    },
    {
      why: 'SIGXCPU (128 + 24) is the CPU limit',
      e: end({ code: 152 }),
      out: '',
      want: { outcome: 'killed', exitCode: null, signal: 'SIGXCPU', reason: 'exceeded 2 s of CPU' },
    },
    {
      why: 'SIGABRT after a failed allocation is the memory limit',
      e: end({ code: 134 }),
      out: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      want: { outcome: 'killed', exitCode: null, signal: 'SIGABRT', reason: 'exceeded the memory limit (64 MiB)' },
    },
    {
      why: 'SIGKILL from inside: the hard CPU limit or the OOM killer, not knowable which',
      e: end({ code: 137 }),
      out: '',
      want: { outcome: 'killed', exitCode: null, signal: 'SIGKILL', reason: expect.stringMatching(/perhaps.*CPU/) },
    },
    {
      why: 'another signal is named',
      e: end({ code: 139 }),
      out: '',
      want: { outcome: 'killed', exitCode: null, signal: 'SIGSEGV', reason: 'killed by SIGSEGV' },
    },
    {
      why: 'the timeout wins over how bwrap ended',
      e: end({ code: null, signal: 'SIGKILL', timedOut: true }),
      out: '',
      want: { outcome: 'timeout', exitCode: null, reason: 'killed after 10 s (timeout)' },
    },
    {
      why: 'a cancel',
      e: end({ code: null, signal: 'SIGKILL', cancelled: true }),
      out: '',
      want: { outcome: 'cancelled', exitCode: null, reason: 'cancelled' },
    },
    {
      why: 'bwrap killed by someone else',
      e: end({ code: null, signal: 'SIGTERM' }),
      out: '',
      want: { outcome: 'killed', exitCode: null, signal: 'SIGTERM' },
    },
  ])('$why', ({ e, out, want }) => {
    expect(verdictOf(e, limits, out)).toMatchObject(want);
  });

  it('says MiB readably', () => {
    expect(mib(64 * 2 ** 20)).toBe('64 MiB');
    expect(mib(1.5 * 2 ** 20)).toBe('1.5 MiB');
  });
});
