// What `kubectl bosun describe pipelinerun NAME` prints: the run's story. Which
// Pipeline, revision and trigger, who asked, the phase and why (the Ready
// condition's message), then the stages in plan order in a table and, for each
// one, what it said, what it found (tests, lint, vulnerabilities), every
// attempt with its times, exit code and reason, when it tries again, the run it
// was reused from and where its log is. Pure: plugin-pipelines.ts reads the
// object, the clock is passed in. All cluster text passes through `shown`: a
// stage's message and findings come from what its command printed.
import type { PipelineRun, StageFindings, StageStatus } from '../api/v1alpha1/pipeline-run.js';
import { shown } from './describe.js';
import { table } from './table.js';

/** 80 → 1m20s, 3725 → 1h2m5s; '-' when not known. */
export function seconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '-';
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const parts = [h ? `${h}h` : '', h || m ? `${m}m` : '', `${t % 60}s`];
  return parts.join('');
}

const when = (at: string | undefined) => (at ? shown(at) : '-');

/** The stages in the order of the run's plan (each plan step names its stage); the rest after, as listed. */
export function inPlanOrder(run: PipelineRun): StageStatus[] {
  const stages = run.status?.stages ?? [];
  const order = new Map<string, number>();
  (run.status?.plan?.steps ?? []).forEach((step, i) => {
    const stage = step.params?.stage;
    if (typeof stage === 'string' && !order.has(stage)) order.set(stage, i);
  });
  const rank = (s: StageStatus) => order.get(s.name) ?? Number.MAX_SAFE_INTEGER;
  // a stable sort: stages the plan does not name keep the status's order
  return [...stages].sort((a, b) => rank(a) - rank(b));
}

/** What a stage found, in one line: "tests: 2 failed (a, b), 40 passed; lint: 1 error, 3 warnings; …". */
export function findingsSummary(f: StageFindings | undefined): string | undefined {
  if (!f) return undefined;
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (f.testsFailed !== undefined || f.testsPassed !== undefined) {
    const failed = f.testsFailed ?? 0;
    const names = f.failedTests?.length
      ? ` (${f.failedTests.map(shown).join(', ')}${f.failedTests.length < failed ? ', …' : ''})`
      : '';
    const passed = f.testsPassed !== undefined ? `${failed ? ', ' : ''}${f.testsPassed} passed` : '';
    parts.push(`tests: ${failed ? `${failed} failed${names}` : ''}${passed}`);
  }
  if (f.lintErrors !== undefined || f.lintWarnings !== undefined) {
    parts.push(`lint: ${plural(f.lintErrors ?? 0, 'error')}, ${plural(f.lintWarnings ?? 0, 'warning')}`);
  }
  const v = f.vulnerabilities;
  if (v) {
    const total = v.critical + v.high + v.medium + v.low;
    parts.push(
      total
        ? `vulnerabilities: ${v.critical} critical, ${v.high} high, ${v.medium} medium, ${v.low} low`
        : 'vulnerabilities: none',
    );
  }
  if (f.summary) parts.push(shown(f.summary));
  return parts.length ? parts.join('; ') : undefined;
}

function header(run: PipelineRun): string[] {
  const s = run.spec;
  const st = run.status;
  const ready = st?.conditions?.find((c) => c.type === 'Ready');
  const trigger = `${shown(s.trigger.type)}${s.trigger.event ? ` (${shown(s.trigger.event)})` : ''}`;
  const times = st?.startedAt
    ? [
        `Started: ${when(st.startedAt)}` +
          (st.completedAt ? `; completed ${when(st.completedAt)}` : '') +
          (st.duration ? `; took ${shown(st.duration)}` : ''),
      ]
    : [];
  return [
    `PipelineRun ${shown(run.metadata.namespace ?? '')}/${shown(run.metadata.name)}: ${shown(st?.phase ?? 'Pending')}`,
    `Pipeline: ${shown(s.pipelineRef.name)}`,
    `Revision: ${shown(s.revision)}${s.branch ? ` on ${shown(s.branch)}` : ''}`,
    `Trigger: ${trigger}`,
    `Requested by: ${shown(s.requester?.username ?? 'unknown')}`,
    ...(s.resumeFrom ? [`Resumes from: ${shown(s.resumeFrom)} (its succeeded stages are reused)`] : []),
    ...(s.status === 'Cancelled' ? ['Cancelled: spec.status says so (finally stages still run)'] : []),
    ...(ready
      ? [`Why: ${shown(ready.message || ready.reason)}${ready.message ? ` (${shown(ready.reason)})` : ''}`]
      : []),
    ...(st?.failedStage ? [`Failed stage: ${shown(st.failedStage)}`] : []),
    ...times,
    ...(st?.deadline && !st.completedAt ? [`Deadline: ${when(st.deadline)}`] : []),
  ];
}

function stageTable(stages: StageStatus[]): string[] {
  const rows = stages.map((s) => [
    `${s.name}${s.finally ? ' (finally)' : ''}`,
    s.state,
    String(s.attempts),
    seconds(s.durationSeconds),
    s.exitCode === undefined || s.exitCode === null ? '-' : String(s.exitCode),
    s.runOn ?? '-',
  ]);
  return table([['STAGE', 'STATE', 'ATTEMPTS', 'DURATION', 'EXIT CODE', 'RUNS ON'], ...rows])
    .split('\n')
    .map((l) => `  ${l}`);
}

function stageDetail(s: StageStatus): string[] {
  const found = findingsSummary(s.findings);
  const history = s.history ?? [];
  const lines = [
    ...(s.message ? [`message: ${shown(s.message)}`] : []),
    ...(found ? [`findings: ${found}`] : []),
    ...(s.state === 'Running' && s.attemptStartedAt
      ? [`attempt ${s.attempts} running since ${when(s.attemptStartedAt)}`]
      : []),
    ...(s.nextAttemptAt ? [`next attempt: ${when(s.nextAttemptAt)}`] : []),
    ...(s.reusedFrom ? [`reused from: ${shown(s.reusedFrom)}`] : []),
    ...(s.log ? [`log: ${shown(s.log)}`] : []),
    ...(history.length
      ? [
          'attempts:',
          ...table([
            ['ATTEMPT', 'STARTED', 'FINISHED', 'EXIT CODE', 'REASON'],
            ...history.map((h) => [
              String(h.attempt),
              h.startedAt ?? '-',
              h.finishedAt ?? '-',
              h.exitCode === undefined || h.exitCode === null ? '-' : String(h.exitCode),
              h.reason ?? '',
            ]),
          ])
            .split('\n')
            .map((l) => `  ${l}`),
        ]
      : []),
  ];
  return lines.length ? [`  ${shown(s.name)}:`, ...lines.map((l) => `    ${l}`)] : [];
}

export function renderPipelineRun(run: PipelineRun): string {
  const stages = inPlanOrder(run);
  const details = stages.flatMap(stageDetail);
  return [
    ...header(run),
    ...(stages.length
      ? ['Stages (in plan order):', ...stageTable(stages), ...(details.length ? ['Stage details:', ...details] : [])]
      : ['Stages: none yet (the run is not planned)']),
  ].join('\n');
}
