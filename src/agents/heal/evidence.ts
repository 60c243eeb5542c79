// What the Heal agent knows about a failing workload before it decides: read
// once, read-only, by the Remediation controller (gatherHealEvidence), then
// judged by pure functions (diagnose, the playbooks). Bounded: a namespace
// with thousands of pods gives the agent a window, never all of them.
import { z } from 'zod';

export const MAX_PODS = 50;
export const MAX_REVISIONS = 20;
export const MAX_EVENTS = 20;
export const MAX_LOGS = 5;
export const MAX_LOG_LINES = 50;

const text = (max: number) => z.string().max(max);

export const WorkloadKind = z.enum(['Deployment', 'StatefulSet', 'DaemonSet']);
export type WorkloadKind = z.infer<typeof WorkloadKind>;

/** A container of the pod template, as the workload asks for it. */
export const TemplateContainer = z.object({
  name: z.string(),
  image: z.string(),
  /** resources.limits.memory in the template (absent: none set there; a LimitRange default may still apply) */
  memoryLimit: z.string().optional(),
  memoryRequest: z.string().optional(),
});
export type TemplateContainer = z.infer<typeof TemplateContainer>;

export const WorkloadCondition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: text(1024).optional(),
  lastTransitionTime: z.string().optional(),
  lastUpdateTime: z.string().optional(),
});
export type WorkloadCondition = z.infer<typeof WorkloadCondition>;

export const WorkloadEvidence = z.object({
  kind: WorkloadKind,
  name: z.string(),
  generation: z.int().optional(),
  observedGeneration: z.int().optional(),
  /** desired replicas (a DaemonSet: desiredNumberScheduled) */
  replicas: z.int().min(0),
  readyReplicas: z.int().min(0).default(0),
  availableReplicas: z.int().min(0).default(0),
  updatedReplicas: z.int().min(0).default(0),
  conditions: z.array(WorkloadCondition).default([]),
  /** Deployments only: how long a rollout may make no progress before Progressing turns False */
  progressDeadlineSeconds: z.int().optional(),
  paused: z.boolean().default(false),
  containers: z.array(TemplateContainer),
  /** Deployments: deployment.kubernetes.io/revision */
  revision: z.int().optional(),
  /** StatefulSets and DaemonSets: the ControllerRevision the template is at (status.updateRevision) */
  revisionName: z.string().optional(),
});
export type WorkloadEvidence = z.infer<typeof WorkloadEvidence>;

/**
 * Whether a revision's pods are known to have been Ready. A ReplicaSet keeps no history: its status speaks
 * of now, and a revision scaled to zero looks the same whether its pods served for a month or never
 * started. So: `ready-now` (its status counts Ready pods at gathering), `recorded` (Bosun saw it healthy:
 * the caller passes such revisions, from its action log), or `unknown`.
 */
export const ReadyBasis = z.enum(['ready-now', 'recorded', 'unknown']);
export type ReadyBasis = z.infer<typeof ReadyBasis>;

/** One Deployment revision: a ReplicaSet it owns. */
export const RevisionEvidence = z.object({
  revision: z.int().min(1),
  /** the ReplicaSet's name */
  name: z.string(),
  /** pod-template-hash: which pods belong to it */
  podTemplateHash: z.string().optional(),
  images: z.array(z.object({ container: z.string(), image: z.string() })),
  created: z.string().optional(),
  replicas: z.int().min(0).default(0),
  readyReplicas: z.int().min(0).default(0),
  ready: ReadyBasis,
});
export type RevisionEvidence = z.infer<typeof RevisionEvidence>;

export const ContainerStatusEvidence = z.object({
  name: z.string(),
  /** an init container (a failing one holds the whole pod back) */
  init: z.boolean().default(false),
  image: z.string(),
  ready: z.boolean(),
  restartCount: z.int().min(0).default(0),
  /** the pod spec's resources.limits.memory: what the kubelet enforces (a LimitRange default included) */
  memoryLimit: z.string().optional(),
  waiting: z.object({ reason: z.string().optional(), message: text(1024).optional() }).optional(),
  terminated: z.object({ reason: z.string().optional(), exitCode: z.int().optional() }).optional(),
  lastTerminated: z
    .object({ reason: z.string().optional(), exitCode: z.int().optional(), finishedAt: z.string().optional() })
    .optional(),
});
export type ContainerStatusEvidence = z.infer<typeof ContainerStatusEvidence>;

export const PodEvidence = z.object({
  name: z.string(),
  phase: z.string(),
  ready: z.boolean(),
  created: z.string().optional(),
  /** terminating pods are on their way out: their state is not the workload's */
  terminating: z.boolean().default(false),
  /** pod-template-hash (Deployments) or controller-revision-hash (StatefulSets, DaemonSets) */
  templateHash: z.string().optional(),
  /** why the scheduler could not place it (PodScheduled=False) */
  unschedulable: text(1024).optional(),
  containers: z.array(ContainerStatusEvidence),
});
export type PodEvidence = z.infer<typeof PodEvidence>;

export const EventEvidence = z.object({
  type: z.string().optional(),
  reason: z.string().optional(),
  /** Kind/name of the object the Event is about */
  object: z.string(),
  message: text(1024).optional(),
  count: z.int().optional(),
});
export type EventEvidence = z.infer<typeof EventEvidence>;

/** The `previous` (crashed) container's last log lines. */
export const LogTail = z.object({
  pod: z.string(),
  container: z.string(),
  lines: z.array(text(1024)).max(MAX_LOG_LINES),
});
export type LogTail = z.infer<typeof LogTail>;

/** Who last changed the target through Bosun, from its action log; undefined: not Bosun, or not known. */
export const LastChange = z.object({
  kind: z.enum(['Goal', 'PipelineRun', 'Remediation']),
  name: z.string(),
  at: z.string(),
});
export type LastChange = z.infer<typeof LastChange>;

export const HealEvidence = z.object({
  namespace: z.string(),
  /** null: the target does not exist */
  workload: WorkloadEvidence.nullable(),
  /** Deployments: the ReplicaSets it owns, newest revision first */
  revisions: z.array(RevisionEvidence).max(MAX_REVISIONS).default([]),
  pods: z.array(PodEvidence).max(MAX_PODS).default([]),
  /** pods beyond the window: counted, not shown */
  podsOmitted: z.int().min(0).default(0),
  events: z.array(EventEvidence).max(MAX_EVENTS).default([]),
  logs: z.array(LogTail).max(MAX_LOGS).default([]),
  /** the smallest LimitRange max for one container's memory in the namespace; absent: no such max */
  limitRangeMaxMemory: z.string().optional(),
  lastChange: LastChange.optional(),
  /** reads that failed (forbidden, timed out): the agent decides on what it has and says what it lacks */
  gaps: z.array(text(512)).max(20).default([]),
});
export type HealEvidence = z.infer<typeof HealEvidence>;
export type HealEvidenceInput = z.input<typeof HealEvidence>;
