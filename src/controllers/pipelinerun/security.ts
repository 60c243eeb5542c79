// The Pipeline's security threshold (pure): a security stage whose findings
// include one at or above spec.securityThreshold fails, whatever its command's
// exit code, is not retried (the same revision would find the same thing), and
// halts the Pipeline (pipeline/counts.ts reads the reason from its message).
import type { SecurityThreshold } from '../../api/v1alpha1/pipeline.js';
import type { StageFindings, StageStatus } from '../../api/v1alpha1/pipeline-run.js';
import { PipelineReason } from '../../api/v1alpha1/reasons.js';
import type { AttemptEnd } from './stage-status.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** The findings at or above the threshold, by severity, most severe first. */
export function atOrAbove(findings: StageFindings | undefined, threshold: SecurityThreshold): [string, number][] {
  const v = findings?.vulnerabilities;
  if (!v) return [];
  const upTo = SEVERITIES.indexOf(threshold);
  return SEVERITIES.slice(0, upTo + 1)
    .map((s): [string, number] => [s, v[s] ?? 0])
    .filter(([, n]) => n > 0);
}

/** The attempt's end as the threshold judges it: failed when something is at or above it. */
export function judgeSecurity(end: AttemptEnd, threshold: SecurityThreshold, pipeline: string): AttemptEnd {
  if (end.outcome === 'cancelled') return end;
  const over = atOrAbove(end.findings, threshold);
  if (!over.length) return end;
  const what = over.map(([s, n]) => `${n} ${s}`).join(', ');
  return {
    ...end,
    outcome: 'failed',
    reason:
      `${PipelineReason.SecurityThreshold}: ${what} at or above the threshold (${threshold}); ` +
      `Pipeline ${pipeline} is halted: fix the findings, then kubectl bosun pipeline resume ${pipeline}`,
  };
}

/** Whether a stage failed at the security threshold (so the run halts its Pipeline). */
export const failedAtThreshold = (s: Pick<StageStatus, 'state' | 'message'>) =>
  s.state === 'Failed' && (s.message ?? '').startsWith(`${PipelineReason.SecurityThreshold}:`);
