// What `kubectl bosun logs pipelinerun NAME [--stage STAGE]` prints, for now: where each stage's
// log is (its status.stages[].log), then the run's entries in Bosun's action log, as `logs
// remediation` prints them. With --stage, only that stage and its entries. Pure: plugin-pipelines.ts
// reads the run and the action log.
import type { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { ActionRecord } from '../store/state-store.js';
import { shown } from './describe.js';
import type { Read } from './remediation.js';
import { table } from './table.js';

/** The stage an action-log entry is about: detail.stage, else the stage its tool call was given. */
export function stageOf(entry: ActionRecord): string | undefined {
  const { stage, params } = entry.detail as { stage?: unknown; params?: { stage?: unknown } };
  const found = stage ?? params?.stage;
  return typeof found === 'string' ? found : undefined;
}

/** Action-log lines (JSON, oldest first) of a run, those of `stage` only when one is given. */
export function runEntries(lines: readonly string[], stage: string | undefined): ActionRecord[] {
  const entries: ActionRecord[] = [];
  for (const line of lines) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue; // not Bosun's record: nothing to show
    }
    const parsed = ActionRecord.safeParse(json);
    if (parsed.success && (stage === undefined || stageOf(parsed.data) === stage)) entries.push(parsed.data);
  }
  return entries;
}

/** Why --stage cannot be shown for this run, if it cannot. */
export function unknownStage(run: PipelineRun, stage: string | undefined): string | undefined {
  const names = (run.status?.stages ?? []).map((s) => s.name);
  if (stage === undefined || names.includes(stage)) return undefined;
  return (
    `pipelinerun ${run.metadata.name} has no stage ${stage}` +
    (names.length ? ` (its stages: ${names.join(', ')})` : ' (it has no stages yet)')
  );
}

export interface RunLogs {
  run: PipelineRun;
  stage?: string;
  /** the run's action-log entries (already filtered by stage), or why they were not read */
  entries: Read<ActionRecord[]>;
}

export function renderPipelineRunLogs({ run, stage, entries }: RunLogs): string {
  const stages = (run.status?.stages ?? []).filter((s) => stage === undefined || s.name === stage);
  const where = stages.length
    ? table([
        ['STAGE', 'STATE', 'LOG'],
        ...stages.map((s) => [s.name, s.state, s.log ?? (s.attempts ? 'not recorded' : 'none yet: not started')]),
      ])
    : `no stages yet: pipelinerun ${shown(run.metadata.name)} is not planned`;
  const actions =
    'unreadable' in entries
      ? `Action log: not shown (${shown(entries.unreadable)})`
      : entries.length
        ? table([
            ['TIME', 'ACTION', 'STAGE', 'DETAIL'],
            ...entries.map((e) => [e.at, e.action, stageOf(e) ?? '-', String(e.detail.note ?? e.detail.summary ?? '')]),
          ])
        : `Action log: no entries${stage === undefined ? '' : ` for stage ${shown(stage)}`}`;
  return [where, '', actions].join('\n');
}
