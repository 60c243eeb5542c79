// `kubectl bosun pipeline resume NAME`: what to do about a Pipeline halted after too many failed
// runs in a row (pure; plugin-pipelines.ts reads and patches). The Pipeline controller lifts the
// halt when the annotation below holds a time later than status.halted.since, so the resume is
// that annotation set to now, and a Pipeline that is not halted is left as it is.
import { timestamp } from '../api/v1alpha1/common.js';
import type { Pipeline } from '../api/v1alpha1/pipeline.js';

/**
 * The annotation the Pipeline controller reads (RESUMED_AT in src/controllers/pipeline/counts.ts,
 * which the CLI may not import: only main.ts wires controllers; a test keeps the two equal).
 */
export const RESUMED_AT = 'bosun.dev/resumed-at';

export type Resume =
  | { kind: 'not-halted'; message: string }
  | { kind: 'resume'; patch: { metadata: { annotations: Record<string, string> } }; message: string };

export function resumeOf(p: Pipeline, now: Date): Resume {
  const name = `${p.metadata.namespace ?? ''}/${p.metadata.name}`;
  const halted = p.status?.halted;
  if (!halted) {
    return { kind: 'not-halted', message: `pipeline ${name} is not halted: nothing to resume, nothing changed` };
  }
  const at = timestamp(now);
  const later = Date.parse(at) > Date.parse(halted.since);
  return {
    kind: 'resume',
    patch: { metadata: { annotations: { [RESUMED_AT]: at } } },
    message: [
      `resumed pipeline ${name}: set ${RESUMED_AT}=${at}`,
      `  it was halted since ${halted.since}: ${halted.message}`,
      later
        ? '  the operator lifts the halt when it sees the annotation; new runs start again after that'
        : `  but this clock's time is not after the halt, so the operator will not lift it: check the clock and ` +
          'run this again',
    ].join('\n'),
  };
}
