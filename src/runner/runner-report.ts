// What a runner tells the operator about a work item, built from the sandbox's result. A
// stage's output may echo its environment, and the environment may hold credentials: every
// env value, and every known credential format, is masked out of the output, the reason and
// the result before the report leaves (masked first, then cut to the protocol's bounds, so a
// cut never leaves half a secret unmasked).
import { Redactor } from '../redact/index.js';
import {
  MAX_OUTPUT_CHARS,
  MAX_REASON_CHARS,
  MAX_RESULT_CHARS,
  isBosunVariable,
  type Report,
  type WorkItem,
} from './protocol.js';
import type { SandboxResult } from './runner-sandbox.js';

/** A redactor that knows the item's env values as secrets. */
export function maskerFor(item: WorkItem): Redactor {
  const r = new Redactor();
  for (const [name, value] of Object.entries(item.env)) if (!isBosunVariable(name)) r.addSecret(value);
  return r;
}

const exitCodeOf = (code: number | null): number | null =>
  code !== null && Number.isInteger(code) && code >= 0 && code <= 255 ? code : null;

/** The finished report for a sandbox result, masked and within the protocol's bounds. */
export function finishedReport(runner: string, item: WorkItem, result: SandboxResult, masker: Redactor): Report {
  const mask = (s: string) => masker.redact(s).text;
  let reason = result.reason === undefined ? undefined : mask(result.reason);
  let text = result.result === undefined ? undefined : mask(result.result);
  if (text !== undefined && text.length > MAX_RESULT_CHARS) {
    // a result JSON cannot be cut and stay JSON: leave it out and say so
    text = undefined;
    const dropped = `the result was longer than ${MAX_RESULT_CHARS} characters and was dropped`;
    reason = reason ? `${reason}; ${dropped}` : dropped;
  }
  if (result.signal !== undefined && reason === undefined) reason = `ended by ${result.signal}`;
  return {
    runner,
    id: item.id,
    state: 'finished',
    startedAt: result.startedAt.toISOString(),
    finishedAt: result.finishedAt.toISOString(),
    outcome: result.outcome,
    exitCode: exitCodeOf(result.exitCode),
    ...(reason !== undefined && { reason: reason.slice(0, MAX_REASON_CHARS) }),
    output: mask(result.output).slice(-MAX_OUTPUT_CHARS),
    ...(text !== undefined && { result: text }),
  };
}

/** The finished report for an item the runner did not run (past its deadline, cancelled before it began). */
export function notRunReport(runner: string, item: WorkItem, at: Date, reason: string): Report {
  return {
    runner,
    id: item.id,
    state: 'finished',
    startedAt: at.toISOString(),
    finishedAt: at.toISOString(),
    outcome: 'cancelled',
    exitCode: null,
    reason: reason.slice(0, MAX_REASON_CHARS),
  };
}
