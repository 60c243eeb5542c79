// `kubectl bosun` for Pipelines and PipelineRuns: the reads and the writes (the resume annotation,
// a manual run) through the user's own kubectl; what is printed is made by the pure functions of
// lists.ts, pipelinerun.ts, pipelinerun-logs.ts, pipeline-resume.ts and pipeline-run.ts. Objects are parsed with
// their zod schemas as they arrive, so a field the CLI cannot read is named, not guessed at.
import type { z } from 'zod';
import { errorMessage } from '../api/errors.js';
import { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import type { ActionRecord } from '../store/state-store.js';
import { actionLines, NO_ENDPOINTS } from './action-log.js';
import { find, kubectl, ns, whoami } from './kubectl.js';
import { pipelineRunTable, pipelineTable } from './lists.js';
import { resumeOf } from './pipeline-resume.js';
import { gitRunner, randomSuffix, startRun } from './pipeline-run.js';
import { renderPipelineRun } from './pipelinerun.js';
import { renderPipelineRunLogs, runEntries, unknownStage } from './pipelinerun-logs.js';
import type { Read } from './remediation.js';

/** The first thing wrong with an object, as "status.stages.0.state: Invalid option …". */
const firstIssue = (err: z.ZodError) => {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || '(the object)'}: ${i.message}` : 'unreadable';
};

function parsed<T>(schema: z.ZodType<T>, resource: string, json: unknown): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const name = (json as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  throw new Error(`cannot read ${resource} ${String(name ?? '')}: ${firstIssue(r.error)}`);
}

function get<T>(schema: z.ZodType<T>, resource: string, name: string, namespace: string | undefined): T {
  return parsed(schema, resource, JSON.parse(kubectl(['get', resource, name, ...ns(namespace), '-o', 'json'])));
}

/** Items of a kind in a table; an item that does not parse is named below it, not dropped silently. */
function listOf<T>(
  schema: z.ZodType<T>,
  resource: string,
  label: string,
  render: (items: T[]) => string,
  namespace: string | undefined,
  all: boolean,
): string {
  const found = find<unknown>(resource, label, namespace, all, whoami);
  const items: T[] = [];
  const notes = [...found.notes];
  for (const raw of found.items) {
    try {
      items.push(parsed(schema, resource.replace(/s$/, ''), raw));
    } catch (err) {
      notes.push(errorMessage(err));
    }
  }
  const body = items.length ? render(items) : `no ${label} in ${found.searched}`;
  return [body, ...notes].join('\n');
}

export const listPipelineRuns = (namespace: string | undefined, all: boolean, now: Date): string =>
  listOf(PipelineRun, 'pipelineruns', 'PipelineRuns', (xs) => pipelineRunTable(xs, now, all), namespace, all);

export const listPipelines = (namespace: string | undefined, all: boolean, now: Date): string =>
  listOf(Pipeline, 'pipelines', 'Pipelines', (xs) => pipelineTable(xs, now, all), namespace, all);

export const describePipelineRun = (name: string, namespace: string | undefined): string =>
  renderPipelineRun(get(PipelineRun, 'pipelinerun', name, namespace));

/** Sets the resume annotation on a halted Pipeline (a merge patch); on one that is not halted, changes nothing. */
export function resumePipeline(name: string, namespace: string | undefined, now: Date): string {
  const r = resumeOf(get(Pipeline, 'pipeline', name, namespace), now);
  if (r.kind === 'resume') {
    kubectl(['patch', 'pipeline', name, ...ns(namespace), '--type=merge', '-p', JSON.stringify(r.patch)]);
  }
  return r.message;
}

/** Creates a manual PipelineRun of the Pipeline, as the user, at `revision` or the head of its source branch. */
export const runPipeline = (name: string, namespace: string | undefined, revision: string | undefined): string =>
  startRun(name, namespace, revision, { kubectl, git: gitRunner(), suffix: randomSuffix });

/**
 * Where each stage's log is and the run's action-log entries (of one stage with `stage`). In a table the
 * stages are shown even when the action log cannot be read; `-o json` is the entries only, as JSON lines,
 * like `logs remediation -o json`.
 */
export async function pipelineRunLogs(
  name: string,
  namespace: string | undefined,
  stage: string | undefined,
  endpoints: string | undefined,
  output: string,
  usage: (message: string) => Error,
): Promise<string> {
  const run = get(PipelineRun, 'pipelinerun', name, namespace);
  const problem = unknownStage(run, stage);
  if (problem) throw new Error(problem);
  const key = { kind: 'PipelineRun', namespace: run.metadata.namespace ?? '', name: run.metadata.name };
  if (output === 'json') {
    if (!endpoints) throw usage(NO_ENDPOINTS);
    return runEntries(await actionLines(key, endpoints), stage)
      .map((e) => JSON.stringify(e))
      .join('\n');
  }
  let entries: Read<ActionRecord[]>;
  if (!endpoints) entries = { unreadable: 'pass --etcd-endpoints or set BOSUN_ETCD_ENDPOINTS to read it' };
  else {
    try {
      entries = runEntries(await actionLines(key, endpoints), stage);
    } catch (err) {
      entries = { unreadable: errorMessage(err).split('\n')[0] ?? 'error' };
    }
  }
  return renderPipelineRunLogs({ run, entries, ...(stage !== undefined && { stage }) });
}
