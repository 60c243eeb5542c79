// Stages that run on a runner: each attempt is a work item in the runners'
// queue (Bosun's etcd), taken by one registered runner, run there in a
// sandbox, and reported back over signed requests. An attempt whose runner
// stops answering is given up (failed: the stage's retries decide what comes
// next); a report that comes after that changes nothing. The command's output
// (its tail, masked by the runner) goes to the run's action log, where
// `kubectl bosun logs pipelinerun` reads it.
import { createHash } from 'node:crypto';
import { StageFindings } from '../../api/v1alpha1/pipeline-run.js';
import { actionId } from '../../engine/subject.js';
import { BosunError, hasCode } from '../../api/errors.js';
import { WorkItem } from '../../runner/protocol.js';
import { stageAgent } from '../../stages/agents.js';
import type { StateStore } from '../../store/state-store.js';
import type { StageBackend, StageProgress, StageWork } from '../../tools/pipeline/stage.js';
import { parseQuantity } from '../../tools/kubernetes/quantity.js';
import { LOST_AFTER_MS, type RunnerQueue, type WorkRecord } from '../../webhooks/runner-queue.js';

/** Memory a runner command gets when its stage sets none. */
export const DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024;
export const MAX_OUTPUT_BYTES = 32 * 1024;
/** A queued attempt no runner took within this long is not started after it. */
export const START_WITHIN_MS = 60 * 60 * 1000;

/** The work item's id: readable (stage, attempt) and unique (a digest of the attempt's id). */
export const workId = (work: StageWork) =>
  `${work.params.stage}-${work.params.attempt}-${createHash('sha256').update(work.id).digest('hex').slice(0, 24)}`;

export const logHint = (work: StageWork) =>
  `kubectl bosun logs pipelinerun ${work.params.run.name} -n ${work.namespace} --stage ${work.params.stage}`;

/** The environment a stage command gets: what it is, and what the stages before it made. */
export function stageEnv(params: StageWork['params']): Record<string, string> {
  return {
    BOSUN_PIPELINE: params.pipeline,
    BOSUN_STAGE: params.stage,
    BOSUN_REVISION: params.revision,
    BOSUN_ATTEMPT: String(params.attempt),
    ...(params.imageRepository && { BOSUN_IMAGE_REPOSITORY: params.imageRepository }),
    ...(params.inputs?.image && { BOSUN_IMAGE: params.inputs.image }),
  };
}

export function workItem(work: StageWork, now: Date): WorkItem {
  const { params } = work;
  // a stage without a command of its own runs its agent's (lint, test, build, security), whose reports are parsed
  const agent = params.command?.length ? undefined : params.agent && stageAgent(params.agent);
  const command = params.command?.length ? params.command : agent?.command;
  if (!command?.length)
    throw new BosunError(
      'BOSUN_ERR_TOOL_PARAMS',
      `stage ${params.stage} (${params.agent ?? 'no agent'}) runs on a runner and has no command: give it ` +
        'spec.stages[].command (lint, test, build and security stages have one of their own)',
    );
  const memory = params.resources?.memory ? parseQuantity(params.resources.memory) : undefined;
  const item = WorkItem.safeParse({
    id: workId(work),
    run: { namespace: work.namespace, name: params.run.name },
    stage: params.stage,
    attempt: params.attempt,
    command,
    env: stageEnv(params),
    network: params.network || (agent?.network ?? false),
    ...(params.source && { source: params.source }),
    ...(agent && params.agent && { agent: params.agent }),
    limits: {
      timeoutSeconds: params.timeoutSeconds,
      cpuSeconds: params.timeoutSeconds,
      memoryBytes: memory ? Math.floor(memory) : DEFAULT_MEMORY_BYTES,
      maxOutputBytes: MAX_OUTPUT_BYTES,
    },
    deadline: new Date(now.getTime() + START_WITHIN_MS).toISOString(),
  });
  if (!item.success) {
    const why = item.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `stage ${params.stage} cannot be sent to a runner: ${why}`);
  }
  return item.data;
}

/** What the stage found, from the result JSON it wrote (never guessed from its output). */
function findingsOf(result: string | undefined): StageFindings | undefined {
  if (!result) return undefined;
  try {
    const parsed = JSON.parse(result) as { summary?: unknown; findings?: unknown };
    const findings = StageFindings.safeParse({
      ...(typeof parsed.summary === 'string' && { summary: parsed.summary.slice(0, 512) }),
      ...(typeof parsed.findings === 'object' && parsed.findings),
    });
    return findings.success && Object.keys(findings.data).length ? findings.data : undefined;
  } catch {
    return undefined;
  }
}

function progressOf(record: WorkRecord, work: StageWork): StageProgress | undefined {
  const log = logHint(work);
  const r = record.report;
  if (record.state === 'finished' && r) {
    const code = r.exitCode ?? null;
    const base = {
      exitCode: code,
      findings: findingsOf(r.result),
      log,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    };
    // a failure says what the stage found (2 of 9 tests failed) beside its exit code, also in the history
    const found = base.findings?.summary ? `: ${base.findings.summary}` : '';
    // the runner's word on the run (a report it could not read or understand)
    const noted = r.reason ? `; ${r.reason}` : '';
    if (r.outcome === 'exited')
      return code === 0
        ? { state: 'ended', outcome: 'succeeded', reason: `exit code 0${noted}`.slice(0, 512), ...base }
        : { state: 'ended', outcome: 'failed', reason: `exit code ${code}${found}${noted}`.slice(0, 512), ...base };
    if (r.outcome === 'cancelled')
      return { state: 'ended', outcome: 'cancelled', reason: r.reason ?? 'cancelled', ...base };
    const why = r.outcome === 'timeout' ? `timed out after ${work.params.timeoutSeconds} s` : (r.reason ?? 'killed');
    return { state: 'ended', outcome: 'failed', reason: why, ...base };
  }
  if (record.state === 'cancelled')
    return { state: 'ended', outcome: 'cancelled', exitCode: null, reason: record.reason ?? 'cancelled', log };
  if (record.state === 'lost')
    return { state: 'ended', outcome: 'failed', exitCode: null, reason: record.reason ?? 'its runner was lost', log };
  return undefined;
}

export interface RunnerBackendDeps {
  queue: RunnerQueue;
  store: Pick<StateStore, 'appendAction'>;
  now: () => Date;
}

/**
 * Whether a runner's silence means it is gone: only once this operator has itself been up long enough to hear
 * from it (after a restart of the operator, every runner looks silent for as long as the operator was down).
 */
export const silentTooLong = (silentMs: number, upMs: number) => silentMs >= LOST_AFTER_MS && upMs >= LOST_AFTER_MS;

export function runnerBackend(deps: RunnerBackendDeps): StageBackend {
  const { queue } = deps;
  const since = deps.now().getTime();

  /** The output of an attempt that ended, once, in the run's action log. */
  const logOutput = async (work: StageWork, record: WorkRecord, progress: StageProgress) => {
    if (progress.state !== 'ended') return;
    const id = workId(work);
    await deps.store.appendAction({
      kind: 'PipelineRun',
      namespace: work.namespace,
      name: work.params.run.name,
      uid: work.params.run.uid,
      id: actionId(id, 'output'),
      action: 'StageOutput',
      detail: {
        stage: work.params.stage,
        attempt: work.params.attempt,
        runner: record.runner,
        outcome: progress.outcome,
        exitCode: progress.exitCode,
        output: record.report?.output ?? '',
      },
    });
  };

  /** The attempt's state from its work record: queued for a runner (queued first if new), running on one, or ended. */
  async function look(work: StageWork): Promise<StageProgress> {
    const id = workId(work);
    const now = deps.now();
    const got = await queue.get(id);
    const record = got?.record ?? (await queue.enqueue(workItem(work, now)));
    if (record.state === 'queued') {
      const alive = (await queue.runners()).filter((r) => now.getTime() - Date.parse(r.lastSeen) < LOST_AFTER_MS);
      const summary = alive.length
        ? `stage ${work.params.stage} is queued for a runner (${alive.length} connected)`
        : `stage ${work.params.stage} waits for a runner: none is connected (start one with bosun runner)`;
      return { state: 'running', summary, log: logHint(work) };
    }
    if (record.state === 'claimed' || record.state === 'started') {
      const runner = record.runner && (await queue.runner(record.runner));
      const silentMs = runner ? now.getTime() - Date.parse(runner.lastSeen) : Infinity;
      if (silentTooLong(silentMs, now.getTime() - since)) {
        const why = `runner ${record.runner ?? '?'} stopped answering (nothing for ${Math.round(silentMs / 1000)} s)`;
        const lost = await queue.giveUp(id, why);
        const progress = lost && progressOf(lost, work);
        if (lost && progress) {
          await logOutput(work, lost, progress);
          return progress;
        }
      }
      return {
        state: 'running',
        summary: `stage ${work.params.stage} runs on runner ${record.runner}`,
        log: logHint(work),
      };
    }
    const progress = progressOf(record, work) ?? { state: 'running', log: logHint(work) };
    await logOutput(work, record, progress);
    return progress;
  }

  return {
    async ensure(_ctx, work) {
      try {
        return await look(work);
      } catch (err) {
        // Bosun's own etcd did not answer in time: that says nothing of the stage, which is looked at again on the
        // next pass (every step here can be repeated: the record is keyed by the attempt, the output's action too)
        if (!hasCode(err, 'BOSUN_ERR_STORE_UNAVAILABLE')) throw err;
        return {
          state: 'running',
          summary: `stage ${work.params.stage}: Bosun's etcd did not answer in time, looking again`,
          log: logHint(work),
        };
      }
    },
    async cancel(_ctx, work) {
      await queue.cancel(workId(work), 'stopped by the run');
    },
  };
}
