import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SecretMasker } from '../telemetry/logger.js';
import { CRASH_EXIT_CODE, installCrashHandlers, type CrashEvent } from './crash.js';

const SECRET = 'sk-live-crash-0123456789';

function setup() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const masker = new SecretMasker();
  masker.add(SECRET);
  const log = createLogger({ destination, masker });
  const proc = new EventEmitter();
  const exits: number[] = [];
  installCrashHandlers(proc, log, (code) => void exits.push(code));
  return { lines, proc, exits };
}

describe('installCrashHandlers', () => {
  it.each<[CrashEvent, unknown, string]>([
    ['uncaughtException', new Error(`boom with ${SECRET}`), 'an Error thrown and not caught'],
    ['unhandledRejection', new Error(`rejected with ${SECRET}`), 'a rejected promise nobody awaited'],
    ['unhandledRejection', `a string with ${SECRET}`, 'a rejection with a value that is not an Error'],
  ])('%s: logs fatal, masked, and exits non-zero (%s)', (event, err) => {
    const { lines, proc, exits } = setup();
    proc.emit(event, err);
    expect(exits).toEqual([CRASH_EXIT_CODE]);
    expect(CRASH_EXIT_CODE).not.toBe(0);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as { level: string; kind: string; err: string };
    expect(line).toMatchObject({ level: 'fatal', kind: event });
    expect(line.err).toContain('[REDACTED]');
    expect(lines[0]).not.toContain(SECRET);
  });

  it('exits once, even if more failures come while going down', () => {
    const { lines, proc, exits } = setup();
    proc.emit('uncaughtException', new Error('first'));
    proc.emit('unhandledRejection', new Error('second'));
    expect(exits).toEqual([CRASH_EXIT_CODE]);
    expect(lines).toHaveLength(1);
  });
});
