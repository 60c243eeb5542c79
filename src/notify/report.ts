// What a pipeline report says (pure): how a run went, judged while its report
// stage still runs, so from the other stages. A security stage that failed at
// the Pipeline's threshold, or a failure that makes the Pipeline halt (its
// consecutive failures reaching haltAfterFailures), is a halt; any main stage
// that did not succeed is a failure; else a success. One line per stage, with
// its state, duration and key findings, for Slack and the commit statuses.
import type { NotifyEvent, Pipeline } from '../api/v1alpha1/pipeline.js';
import type { PipelineRun, StageFindings, StageState, StageStatus } from '../api/v1alpha1/pipeline-run.js';
import { PipelineReason } from '../api/v1alpha1/reasons.js';

/** One stage as the report tells it. */
export interface ReportStage {
  name: string;
  state: StageState;
  finally: boolean;
  durationSeconds?: number;
  /** the key findings, a few words each: "12 passed, 1 failed (login)", "image repo@sha256:…" */
  findings: string[];
  /** why it ended so, when it did not succeed */
  message?: string;
}

export interface RunReport {
  event: NotifyEvent;
  /** how the run went, by its other stages; a cancelled run is told as a failure */
  outcome: 'succeeded' | 'failed' | 'cancelled';
  title: string;
  /** one per stage: name, state, duration, key findings */
  lines: string[];
  stages: ReportStage[];
  pipeline: string;
  run: string;
  revision: string;
  /** the commit on GitHub, when the Pipeline names its repository there */
  url?: string;
  /** how to see the whole run */
  describe: string;
}

export interface ReportInput {
  run: PipelineRun;
  /** its Pipeline, for the halt count; undefined when it is gone */
  pipeline?: Pipeline;
  /** the report stage itself: left out, it is still running */
  self: string;
  /** the GitHub REST API root of a github-status target (the commit's web address is derived from it) */
  apiUrl?: string;
}

const BAD: ReadonlySet<StageState> = new Set(['Failed', 'Cancelled', 'Skipped']);

/** 1m20s, 2h3m, 45s. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  return h ? `${h}h${m % 60}m` : m ? `${m}m${s % 60}s` : `${s}s`;
}

/** The findings that matter, a few words each (an image by its full digest: it is what gets deployed). */
export function keyFindings(f: StageFindings | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.testsPassed !== undefined || f.testsFailed !== undefined) {
    const names = f.failedTests ?? [];
    const first = names.length ? ` (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})` : '';
    out.push(`tests ${f.testsPassed ?? 0} passed, ${f.testsFailed ?? 0} failed${first}`);
  }
  if (f.lintErrors !== undefined || f.lintWarnings !== undefined)
    out.push(`lint ${f.lintErrors ?? 0} errors, ${f.lintWarnings ?? 0} warnings`);
  if (f.vulnerabilities) {
    const v = f.vulnerabilities;
    const found = (['critical', 'high', 'medium', 'low'] as const).filter((k) => v[k] > 0).map((k) => `${k} ${v[k]}`);
    out.push(found.length ? `vulnerabilities ${found.join(', ')}` : 'no vulnerabilities');
  }
  if (f.image) out.push(`image ${f.image}`);
  if (!out.length && f.summary) out.push(f.summary);
  return out;
}

/** The commit's web page: github.com for the public API, the host of a GitHub Enterprise API root. */
export function commitUrl(repository: string, revision: string, apiUrl?: string): string | undefined {
  const api = (apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const web = api === 'https://api.github.com' ? 'https://github.com' : api.replace(/\/api\/v3$/, '');
  if (web === api) return undefined; // an API root of unknown shape: no guess
  return `${web}/${repository}/commit/${revision}`;
}

function stageOf(s: StageStatus, finallyNames: ReadonlySet<string>): ReportStage {
  return {
    name: s.name,
    state: s.state,
    finally: s.finally === true || finallyNames.has(s.name),
    ...(s.durationSeconds !== undefined && { durationSeconds: s.durationSeconds }),
    findings: keyFindings(s.findings),
    ...(s.message && !['Succeeded', 'Reused'].includes(s.state) && { message: s.message }),
  };
}

export function lineOf(s: ReportStage): string {
  const took = s.durationSeconds !== undefined ? ` in ${duration(s.durationSeconds)}` : '';
  const found = s.findings.length ? `: ${s.findings.join('; ')}` : '';
  const why = s.message ? ` (${s.message.split('\n')[0]?.slice(0, 200)})` : '';
  return `${s.name}: ${s.state}${took}${found}${why}`;
}

/** Why the run halts its Pipeline, if it does. */
function haltOf(input: ReportInput, main: ReportStage[], failed: boolean): string | undefined {
  const security = main.find((s) => s.state === 'Failed' && s.message?.startsWith(PipelineReason.SecurityThreshold));
  if (security) {
    const at = input.pipeline ? ` (securityThreshold: ${input.pipeline.spec.securityThreshold})` : '';
    return `${security.name} found vulnerabilities at or above the threshold${at}`;
  }
  const p = input.pipeline;
  if (!failed || !p) return undefined;
  // the Pipeline counts this run once it ends; if it already did (a second look), it is in the count
  const counted = p.status?.counted?.includes(input.run.metadata.name) ?? false;
  const inARow = (p.status?.consecutiveFailures ?? 0) + (counted ? 0 : 1);
  const limit = p.spec.haltAfterFailures;
  return inARow >= limit ? `${inARow} runs failed in a row (haltAfterFailures: ${limit})` : undefined;
}

export function buildReport(input: ReportInput): RunReport {
  const { run, pipeline } = input;
  const namespace = run.metadata.namespace ?? '';
  const finallyNames = new Set((pipeline?.spec.finally ?? []).map((s) => s.name));
  const stages = (run.status?.stages ?? []).filter((s) => s.name !== input.self).map((s) => stageOf(s, finallyNames));
  const main = stages.filter((s) => !s.finally);
  const bad = main.filter((s) => BAD.has(s.state));
  const cancelled = run.spec.status === 'Cancelled';
  // a cancel is not counted as a failure by the Pipeline: it never makes it halt
  const halt = haltOf(input, main, bad.length > 0 && !cancelled);
  const event: NotifyEvent = halt ? 'halt' : bad.length ? 'failure' : 'success';
  const outcome = cancelled ? 'cancelled' : bad.length ? 'failed' : 'succeeded';
  const pipelineName = run.spec.pipelineRef.name;
  const revision = run.spec.revision;
  const branch = run.spec.branch ?? pipeline?.spec.source.branch;
  const at = `${revision.slice(0, 7)}${branch ? ` on ${branch}` : ''}`;
  const firstBad = bad.find((s) => s.state !== 'Skipped') ?? bad[0];
  const how =
    outcome === 'succeeded'
      ? 'succeeded'
      : outcome === 'cancelled'
        ? 'was cancelled'
        : `failed at ${firstBad?.name ?? 'a stage'}`;
  const took = run.status?.duration ? ` in ${run.status.duration}` : '';
  const title =
    `Pipeline ${pipelineName}: run ${run.metadata.name} ${how}${took} (${at})` +
    (halt ? `; the Pipeline halts: ${halt}` : '');
  const github = pipeline?.spec.source.github;
  const url = github ? commitUrl(github, revision, input.apiUrl) : undefined;
  return {
    event,
    outcome,
    title,
    lines: stages.map(lineOf),
    stages,
    pipeline: pipelineName,
    run: run.metadata.name,
    revision,
    ...(url && { url }),
    describe: `kubectl bosun describe pipelinerun ${run.metadata.name} -n ${namespace}`,
  };
}
