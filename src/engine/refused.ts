// Requests the API server refuses for a reason that will not go away by itself:
// an invalid object (422, 400), a forbidden one (403: Bosun's RBAC, or a
// namespace being deleted). They end in a reason on the subject and no retries;
// an unreachable or busy API server (5xx, 429, none) and conflicts are retried.
import { PlanReason } from '../api/v1alpha1/reasons.js';
import { KubeApiError } from '../kube/errors.js';
import type { Stall } from './subject.js';

/** `kind`: the subject's kind, for the message (Goal, Remediation, PipelineRun). */
export function refusedWrite(err: unknown, kind = 'Goal'): Stall | undefined {
  const cause = err instanceof KubeApiError ? err : err instanceof Error ? err.cause : undefined;
  if (!(cause instanceof KubeApiError) || ![400, 403, 422].includes(cause.httpStatus)) return undefined;
  const said = cause.status?.message ?? cause.message;
  const terminating = /being terminated/.test(said);
  return {
    reason: PlanReason.RequestRejected,
    message:
      `the API server refused a request Bosun needs (${cause.httpStatus}: ${said.slice(0, 600)}): ` +
      (terminating
        ? 'the namespace is being deleted, so nothing more is done here'
        : cause.httpStatus === 403 && /\bcannot \w+ resource\b/.test(said)
          ? `grant Bosun's ServiceAccount what config/rbac gives it; the ${kind} is tried again when its spec changes`
          : 'fix what the message names (a quota, an admission policy); ' +
            `the ${kind} is tried again when its spec changes`),
  };
}
