// Where a stage's Job stands, and what the stage reported: pure. The Job's
// terminal conditions say whether it is over (Complete; Failed with
// DeadlineExceeded, a timeout, or BackoffLimitExceeded, a failed pod); its pod's
// container says how (exit code, reason) and carries the stage's result as JSON
// in its termination message. A message that is not JSON, or not a result, is
// never guessed at: the state says so and carries no result.
import { z } from 'zod';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { StageFindings } from '../../api/v1alpha1/pipeline-run.js';
import { STAGE_CONTAINER } from './stage-job.js';

const Count = z.int().min(0).max(1_000_000);

/** What a stage reports in /dev/termination-log (at most 4096 bytes, as Kubernetes keeps). */
export const StageResultJson = z.strictObject({
  summary: z.string().max(1024).optional(),
  findings: z
    .strictObject({
      testsPassed: Count.optional(),
      testsFailed: Count.optional(),
      failedTests: z.array(z.string().min(1).max(256)).max(100).optional(),
      lintErrors: Count.optional(),
      lintWarnings: Count.optional(),
      vulnerabilities: z
        .strictObject({
          critical: Count.default(0),
          high: Count.default(0),
          medium: Count.default(0),
          low: Count.default(0),
        })
        .optional(),
      details: z.array(z.string().min(1).max(256)).max(10).optional(),
      image: StageFindings.shape.image,
    })
    .optional(),
  artifacts: z
    .array(z.strictObject({ name: z.string().min(1).max(128), ref: z.string().min(1).max(1024) }))
    .max(20)
    .optional(),
});
export type StageResultJson = z.infer<typeof StageResultJson>;

/** Why a finished stage ended, besides the container's own reason (Completed, Error, OOMKilled, …). */
export const StageEndReason = {
  /** the Job's active deadline (the stage's timeoutSeconds) ran out */
  Timeout: 'Timeout',
  /** the Job is over but its pod is gone (deleted, or collected) */
  PodGone: 'PodGone',
} as const;

export type StageJobState =
  | { state: 'pending' | 'running'; since?: string }
  | {
      state: 'succeeded' | 'failed';
      exitCode: number | null;
      /** CamelCase: Timeout, or the container's reason (Completed, Error, OOMKilled), the pod's, the Job's */
      reason: string;
      /** what happened, for the run's status; never the termination message itself */
      message?: string;
      result?: StageResultJson;
      startedAt?: string;
      finishedAt?: string;
    };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A batch/v1 Job as the API server gives it (only the fields read here). */
export interface JobObject extends KubeObject {
  spec?: { activeDeadlineSeconds?: number };
  status?: { conditions?: Condition[]; startTime?: string; completionTime?: string; active?: number };
}

interface Terminated {
  exitCode?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string }; running?: { startedAt?: string }; terminated?: Terminated };
}

/** A Pod of the Job (only the fields read here). */
export interface JobPodObject extends KubeObject {
  status?: { phase?: string; reason?: string; message?: string; containerStatuses?: ContainerStatus[] };
}

/** The stage's termination message as a result, or why it is not one (without repeating it). */
export function parseStageResult(message: string | undefined): { result?: StageResultJson; problem?: string } {
  const text = message?.trim();
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // the parser's message quotes the text, which is the stage's to say and may hold anything
    return { problem: `its termination message (${text.length} characters) is not JSON` };
  }
  const parsed = StageResultJson.safeParse(json);
  if (parsed.success) return { result: parsed.data };
  const where = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
    .join('; ');
  return { problem: `its termination message is not a stage result (${where})` };
}

const stageStatus = (pod: JobPodObject) =>
  pod.status?.containerStatuses?.find((c) => c.name === STAGE_CONTAINER) ?? pod.status?.containerStatuses?.[0];

const ownedBy = (job: JobObject) => (pod: JobPodObject) =>
  !job.metadata.uid || (pod.metadata.ownerReferences ?? []).some((o) => o.uid === job.metadata.uid);

/** The pod that speaks for the Job: the last to finish, else the newest. */
function podOf(job: JobObject, pods: JobPodObject[]): JobPodObject | undefined {
  const mine = pods.filter(ownedBy(job));
  const finished = (p: JobPodObject) => stageStatus(p)?.state?.terminated?.finishedAt ?? '';
  const created = (p: JobPodObject) => p.metadata.creationTimestamp ?? '';
  return [...mine].sort((a, b) => finished(b).localeCompare(finished(a)) || created(b).localeCompare(created(a)))[0];
}

const trueCondition = (job: JobObject, type: string) =>
  job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

const sentence = (parts: (string | undefined)[]) => parts.filter(Boolean).join('; ') || undefined;

/**
 * The Job's state. Only Complete and Failed end a stage: the Job controller sets them once its pod has
 * stopped (SuccessCriteriaMet and FailureTarget come before, while the pod may still be terminating), so
 * a retry never overlaps the attempt before it.
 */
export function stageJobState(job: JobObject, pods: JobPodObject[]): StageJobState {
  const complete = trueCondition(job, 'Complete');
  const failed = trueCondition(job, 'Failed');
  const pod = podOf(job, pods);
  const container = pod && stageStatus(pod);
  if (!complete && !failed) {
    const running = container?.state?.running;
    if (running || pod?.status?.phase === 'Running') return { state: 'running', since: running?.startedAt };
    return { state: 'pending', since: job.status?.startTime ?? job.metadata.creationTimestamp };
  }
  const end = (complete ?? failed) as Condition;
  const terminated = container?.state?.terminated;
  const { result, problem } = parseStageResult(terminated?.message);
  const startedAt = terminated?.startedAt ?? job.status?.startTime;
  const finishedAt = terminated?.finishedAt ?? job.status?.completionTime ?? end.lastTransitionTime;
  const times = { ...(startedAt && { startedAt }), ...(finishedAt && { finishedAt }) };
  const exitCode = terminated?.exitCode ?? null;
  const resultProblem = problem && `the stage reported no result: ${problem}`;

  if (complete) {
    const message = sentence([!terminated ? 'the pod is gone; its result cannot be read' : undefined, resultProblem]);
    return {
      state: 'succeeded',
      exitCode,
      reason: terminated?.reason ?? (terminated ? 'Completed' : StageEndReason.PodGone),
      ...(message && { message }),
      ...(result && { result }),
      ...times,
    };
  }

  const deadline = failed?.reason === 'DeadlineExceeded';
  const how = deadline
    ? `the stage ran past its timeout of ${job.spec?.activeDeadlineSeconds ?? '?'}s and was stopped`
    : terminated
      ? `the stage's container exited with code ${terminated.exitCode ?? '?'}` +
        (terminated.reason ? ` (${terminated.reason})` : '')
      : pod?.status?.reason
        ? `the stage's pod failed (${pod.status.reason})`
        : `the Job failed (${failed?.reason ?? 'no reason given'})${pod ? '' : '; its pod is gone'}`;
  const reason = deadline
    ? StageEndReason.Timeout
    : (terminated?.reason ?? pod?.status?.reason ?? failed?.reason ?? StageEndReason.PodGone);
  const message = sentence([how, resultProblem]);
  return { state: 'failed', exitCode, reason, ...(message && { message }), ...(result && { result }), ...times };
}
