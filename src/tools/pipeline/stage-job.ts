// The Kubernetes Job that runs one attempt of one pipeline stage: pure. The Job
// is as locked down as the `restricted` Pod Security level asks and a little
// more (read-only root filesystem, no service-account token, no service links),
// because a stage runs code from the repository under test. Bosun, not the Job
// controller, decides about retries: every attempt is a Job of its own, named
// from its step id so that a retry of the same attempt after a crash finds it.
//
// A stage reports its result as JSON in /dev/termination-log (stage-result.ts
// reads it back): Kubernetes copies that file into the container's terminated
// state, up to 4096 bytes, so no sidecar, volume or API access is needed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import { boundedName, Label } from '../../api/v1alpha1/common.js';
import { API_VERSION } from '../../api/v1alpha1/kinds.js';
import { parseQuantity } from '../kubernetes/quantity.js';

/** The name of the stage's one container (stage-result.ts reads its status). */
export const STAGE_CONTAINER = 'stage';
export const WORKSPACE_PATH = '/workspace';
export const TERMINATION_LOG_PATH = '/dev/termination-log';
/** Kubernetes keeps at most this many bytes of a termination message. */
export const TERMINATION_MESSAGE_MAX_BYTES = 4096;

/** The user, group and fsGroup stage containers run as: distroless' "nonroot", never root. */
export const STAGE_UID = 65532;

/**
 * How long a finished Job (and its pod, with its logs) stays: an hour. The controller copies the
 * result into the PipelineRun's status as soon as it sees the Job finish; the hour covers an operator
 * that is restarting or upgrading at that moment, and lets a person `kubectl logs` a stage that just
 * failed. Longer would pile up finished pods in a busy namespace; the PipelineRun owns the Job, so
 * deleting the run removes it sooner.
 */
export const STAGE_JOB_TTL_SECONDS = 3600;

/**
 * Requests and limits when a stage names none: one CPU and 1Gi, enough for a typical lint or unit-test
 * run. Requests equal limits (Guaranteed QoS): a stage's duration then does not depend on its neighbours,
 * its memory is never overcommitted (it is not the first pod evicted under node pressure), and a runaway
 * build cannot take a node.
 */
export const STAGE_DEFAULT_RESOURCES = { cpu: '1', memory: '1Gi' } as const;
/** What the emptyDirs may hold: the checkout and build outputs, and scratch space (HOME points there). */
export const WORKSPACE_SIZE_LIMIT = '4Gi';
export const TMP_SIZE_LIMIT = '1Gi';

export const STAGE_JOB_LABELS = {
  pipelineRun: 'bosun.dev/pipelinerun',
  pipeline: 'bosun.dev/pipeline',
  stage: 'bosun.dev/stage',
  attempt: 'bosun.dev/attempt',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;
/** The full step id, which the Job's name only hashes: the controller can check a Job it found is its own. */
export const STEP_ID_ANNOTATION = 'bosun.dev/step-id';

const between = (min: number, max: number) => (q: string) => {
  const n = parseQuantity(q);
  return n !== undefined && n >= min && n <= max;
};
const Cpu = z.string().max(32).refine(between(0.01, 64), 'must be a CPU quantity between 10m and 64, for example 500m');
const Memory = z
  .string()
  .max(32)
  .refine(between(16 * 2 ** 20, 256 * 2 ** 30), 'must be a memory quantity between 16Mi and 256Gi, for example 2Gi');

export const StageJobInput = z.object({
  /** the PipelineRun: the Job's controller owner and labels */
  run: z.object({ name: z.string().min(1).max(253), namespace: Label, uid: z.string().min(1).max(64) }),
  pipeline: z.string().min(1).max(253),
  stage: z.object({
    name: Label,
    image: z.string().min(1).max(512),
    command: z.array(z.string().max(4096)).max(64).optional(),
    args: z.array(z.string().max(4096)).max(256).optional(),
    env: z
      .array(
        z.object({
          name: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/)
            .max(256),
          value: z.string().max(32768),
        }),
      )
      .max(128)
      .optional(),
    timeoutSeconds: z.int().min(1).max(86400),
    resources: z.object({ cpu: Cpu.optional(), memory: Memory.optional() }).optional(),
    /** mount the executor ServiceAccount's token (a deploy stage that talks to the API server) */
    serviceAccountToken: z.boolean().optional(),
  }),
  attempt: z.int().min(1).max(100),
  /** the step id: the Job is named from it so a retry of the same attempt after a crash finds the same Job */
  stepId: z.string().min(1).max(512),
  /** the Pipeline's executor ServiceAccount */
  serviceAccountName: Label,
});
export type StageJobInput = z.input<typeof StageJobInput>;

interface EnvVar {
  name: string;
  value: string;
}

/** The Job stageJob builds: a plain object, as the API server takes it (only the fields Bosun sets). */
export interface StageJob {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: true;
      blockOwnerDeletion: boolean;
    }[];
  };
  spec: {
    backoffLimit: 0;
    completions: 1;
    parallelism: 1;
    activeDeadlineSeconds: number;
    ttlSecondsAfterFinished: number;
    template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: StagePodSpec };
  };
}

export interface StagePodSpec {
  restartPolicy: 'Never';
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  enableServiceLinks: false;
  hostNetwork: false;
  hostPID: false;
  hostIPC: false;
  securityContext: {
    runAsNonRoot: true;
    runAsUser: number;
    runAsGroup: number;
    fsGroup: number;
    seccompProfile: { type: 'RuntimeDefault' };
  };
  containers: [
    {
      name: string;
      image: string;
      command?: string[];
      args?: string[];
      workingDir: string;
      env: EnvVar[];
      resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
      securityContext: {
        allowPrivilegeEscalation: false;
        readOnlyRootFilesystem: true;
        runAsNonRoot: true;
        privileged: false;
        capabilities: { drop: ['ALL'] };
      };
      terminationMessagePath: string;
      terminationMessagePolicy: 'File';
      volumeMounts: { name: string; mountPath: string }[];
    },
  ];
  volumes: { name: string; emptyDir: { sizeLimit: string } }[];
}

function parseInput(input: StageJobInput): z.output<typeof StageJobInput> {
  const parsed = StageJobInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `stage job: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
}

/**
 * The Job's name: `<run>-<stage>-a<attempt>-<hash>`, cut to fit 63 characters (the Job controller copies
 * it into a label on each pod). The hash covers the run's UID and the step id as well, so it is unique per
 * attempt even where the readable part is cut or ambiguous, and the same for a retry of the same step.
 */
export function stageJobName(input: Pick<StageJobInput, 'run' | 'stage' | 'attempt' | 'stepId'>): string {
  const { run, stage, attempt, stepId } = input;
  const hash = createHash('sha256')
    .update(JSON.stringify([run.namespace, run.name, run.uid, stage.name, attempt, stepId]))
    .digest('hex')
    .slice(0, 10);
  const readable = `${run.name}-${stage.name}-a${attempt}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63 - hash.length - 1)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return readable ? `${readable}-${hash}` : hash;
}

/** Bosun's environment first (HOME on the writable /tmp), then the stage's, which may replace it. */
function environment(env: EnvVar[] = []): EnvVar[] {
  const ours = [{ name: 'HOME', value: '/tmp' }].filter((e) => !env.some((s) => s.name === e.name));
  return [...ours, ...env];
}

export function stageJob(input: StageJobInput): StageJob {
  const i = parseInput(input);
  const { run, stage } = i;
  const labels = {
    [STAGE_JOB_LABELS.pipelineRun]: boundedName(run.name, 63),
    [STAGE_JOB_LABELS.pipeline]: boundedName(i.pipeline, 63),
    [STAGE_JOB_LABELS.stage]: stage.name,
    [STAGE_JOB_LABELS.attempt]: String(i.attempt),
    [STAGE_JOB_LABELS.managedBy]: 'bosun',
  };
  const cpu = stage.resources?.cpu ?? STAGE_DEFAULT_RESOURCES.cpu;
  const memory = stage.resources?.memory ?? STAGE_DEFAULT_RESOURCES.memory;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: stageJobName(i),
      namespace: run.namespace,
      labels,
      annotations: { [STEP_ID_ANNOTATION]: i.stepId },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'PipelineRun',
          name: run.name,
          uid: run.uid,
          controller: true,
          // the executor creates the Job: blocking the run's deletion would need rights on pipelineruns/finalizers
          // it should not have; the garbage collector removes the Job after the run all the same
          blockOwnerDeletion: false,
        },
      ],
    },
    spec: {
      // Bosun retries a failed attempt as a new Job (with its own backoff and count in the run's status)
      backoffLimit: 0,
      completions: 1,
      parallelism: 1,
      activeDeadlineSeconds: stage.timeoutSeconds,
      ttlSecondsAfterFinished: STAGE_JOB_TTL_SECONDS,
      template: {
        metadata: { labels, annotations: { 'kubectl.kubernetes.io/default-container': STAGE_CONTAINER } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: i.serviceAccountName,
          automountServiceAccountToken: stage.serviceAccountToken ?? false,
          // no environment variables for every Service in the namespace: nothing for a stage to discover
          enableServiceLinks: false,
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: STAGE_UID,
            runAsGroup: STAGE_UID,
            fsGroup: STAGE_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: STAGE_CONTAINER,
              image: stage.image,
              ...(stage.command && { command: stage.command }),
              ...(stage.args && { args: stage.args }),
              workingDir: WORKSPACE_PATH,
              env: environment(stage.env),
              resources: { requests: { cpu, memory }, limits: { cpu, memory } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                privileged: false,
                capabilities: { drop: ['ALL'] },
              },
              terminationMessagePath: TERMINATION_LOG_PATH,
              // File, not FallbackToLogsOnError: the tail of a failing stage's log is not a result, and
              // could carry what the stage printed (a token) into the PipelineRun's status
              terminationMessagePolicy: 'File',
              volumeMounts: [
                { name: 'workspace', mountPath: WORKSPACE_PATH },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: WORKSPACE_SIZE_LIMIT } },
            { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
          ],
        },
      },
    },
  };
}
