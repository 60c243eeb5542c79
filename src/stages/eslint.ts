// ESLint's `--format json` report → lint findings: errors, warnings, and the first problems one
// line each, errors first (`src/x.js:3:7 error no-unused-vars: 'x' is assigned a value but never used.`).
import { z } from 'zod';
import { count, notUnderstood, stageReport, type ParseResult } from './report.js';

const Message = z.object({
  ruleId: z.string().nullable().optional(),
  severity: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  fatal: z.boolean().optional(),
});
const FileResult = z.object({
  filePath: z.string(),
  messages: z.array(Message),
  errorCount: z.int().min(0),
  warningCount: z.int().min(0),
});
const EslintReport = z.array(FileResult);

const WORKSPACE = '/workspace/';

/** The path as the app's repository has it: without the workspace (or the given cwd) in front. */
export function relativePath(path: string, cwd?: string): string {
  if (cwd !== undefined) {
    const prefix = cwd.endsWith('/') ? cwd : `${cwd}/`;
    if (path.startsWith(prefix)) return path.slice(prefix.length);
  }
  const at = path.indexOf(WORKSPACE);
  return at >= 0 ? path.slice(at + WORKSPACE.length) : path;
}

export interface EslintOptions {
  /** the directory ESLint ran in, stripped from the paths (besides anything up to /workspace/) */
  cwd?: string;
}

export function parseEslint(text: string, options: EslintOptions = {}): ParseResult {
  const expected = "ESLint's JSON report (--format json): an array of file results";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return notUnderstood(expected, text, 'not JSON');
  }
  const parsed = EslintReport.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? '' : `at ${first.path.join('.') || 'the top'}: ${first.message}`;
    return notUnderstood(expected, text, `wrong shape ${where}`.trim());
  }
  const files = parsed.data;
  let errors = 0;
  let warnings = 0;
  const errorLines: string[] = [];
  const warningLines: string[] = [];
  for (const file of files) {
    errors += file.errorCount;
    warnings += file.warningCount;
    const path = relativePath(file.filePath, options.cwd);
    for (const m of file.messages) {
      const lines = m.severity === 2 ? errorLines : m.severity === 1 ? warningLines : undefined;
      if (lines === undefined || lines.length >= 10) continue;
      const at = m.line === undefined ? path : `${path}:${m.line}:${m.column ?? 0}`;
      const rule = m.ruleId ?? (m.fatal ? 'parse' : 'eslint');
      lines.push(`${at} ${m.severity === 2 ? 'error' : 'warning'} ${rule}: ${m.message}`);
    }
  }
  const summary =
    `ESLint: ${count(errors, 'error')}, ${count(warnings, 'warning')} ` + `in ${count(files.length, 'file')} linted`;
  const details = [...errorLines, ...warningLines];
  return stageReport(summary, {
    lintErrors: errors,
    lintWarnings: warnings,
    ...(details.length > 0 && { details }),
  });
}
