// What a stage agent's report files become: a one-line summary and the stage's findings, always
// within the API's bounds (StageFindings), or the reason the files could not be read as reports.
import { StageFindings } from '../api/v1alpha1/pipeline-run.js';

export interface StageReport {
  /** one line, at most 512 characters */
  summary: string;
  findings: StageFindings;
}

export type ParseResult = { ok: true; report: StageReport } | { ok: false; problem: string };

export const MAX_SUMMARY_CHARS = 512;
export const MAX_LINES = 10;
export const MAX_LINE_CHARS = 256;

/** The text on one line (whitespace runs become one space), cut to max characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** A stage report whose findings the API's schema accepts: lists cut to their first ten, lines to 256 chars. */
export function stageReport(summary: string, findings: StageFindings): ParseResult {
  const fit = (lines: string[] | undefined) => lines?.slice(0, MAX_LINES).map((l) => oneLine(l, MAX_LINE_CHARS));
  const candidate: StageFindings = { ...findings };
  if (findings.details !== undefined) candidate.details = fit(findings.details);
  if (findings.failedTests !== undefined) candidate.failedTests = fit(findings.failedTests);
  const parsed = StageFindings.safeParse(candidate);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.join('.') || 'findings';
    return { ok: false, problem: `the findings do not fit the API (${where}: ${first?.message ?? 'invalid'})` };
  }
  return { ok: true, report: { summary: oneLine(summary, MAX_SUMMARY_CHARS), findings: parsed.data } };
}

/** What the input looked like, without echoing it: its size and at most its first 24 printable characters. */
export function describeInput(text: string): string {
  if (text.trim() === '') return text.length === 0 ? 'an empty file' : 'only whitespace';
  const start = text
    .trimStart()
    .slice(0, 24)
    .replace(/[^\x20-\x7e]/g, '?');
  return `${text.length} characters starting with ${JSON.stringify(start)}`;
}

/** The failure for input that is not the expected report. */
export function notUnderstood(expected: string, text: string, why?: string): ParseResult {
  const seen = describeInput(text);
  return { ok: false, problem: `expected ${expected}, saw ${seen}${why === undefined ? '' : ` (${why})`}` };
}

/** "1 error" / "2 errors" */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
