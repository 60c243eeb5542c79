// After an uncaught exception or an unhandled rejection the operator's state is
// unknown: it logs the error (fatal, through the masking logger) and exits
// non-zero, so that the Deployment restarts it. A restart is safe: every step's
// intent is journalled in Bosun's etcd before its side effect.
import { errorMessage } from '../api/errors.js';
import type { Logger } from '../telemetry/logger.js';

export type CrashEvent = 'uncaughtException' | 'unhandledRejection';

/** The part of `process` the handlers need (an EventEmitter in tests). */
export interface CrashSource {
  on(event: CrashEvent, listener: (err: unknown) => void): unknown;
}

/** The exit code after a crash: not 0 (a clean stop) nor 2 (bad flags). */
export const CRASH_EXIT_CODE = 1;

export function installCrashHandlers(
  proc: CrashSource,
  log: Pick<Logger, 'fatal'>,
  exit: (code: number) => void,
): void {
  let crashed = false;
  const crash = (kind: CrashEvent) => (err: unknown) => {
    if (crashed) return; // a second failure while going down says nothing new
    crashed = true;
    try {
      log.fatal(
        { err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined, kind },
        `${kind === 'uncaughtException' ? 'uncaught exception' : 'unhandled rejection'} (a bug): exiting to restart`,
      );
    } finally {
      exit(CRASH_EXIT_CODE);
    }
  };
  proc.on('uncaughtException', crash('uncaughtException'));
  proc.on('unhandledRejection', crash('unhandledRejection'));
}
