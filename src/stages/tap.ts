// TAP 13/14 (`node --test --test-reporter=tap`) → test findings. Node prints a test's subtests,
// indented by four spaces, before the test's own line: a test point whose previous point was
// deeper is a suite, the rest are tests. `# SKIP` and `# TODO` points count as neither passed nor
// failed. A failed point's YAML block gives its message (`error:`).
import { count, notUnderstood, oneLine, stageReport, type ParseResult } from './report.js';

const POINT = /^(\s*)(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*)$/;
const DIRECTIVE = /\s+#\s*(SKIP|TODO)\b.*$/i;
const unescape = (name: string) => name.replace(/\\([#\\])/g, '$1');

interface Point {
  indent: number;
  ok: boolean;
  name: string;
  skipped: boolean;
  /** the line after it, where its YAML block would start */
  next: number;
}

/** The first line of the `error:` in the YAML block that follows a point, if any. */
function errorLine(lines: string[], from: number, indent: number): string | undefined {
  if (lines[from]?.trim() !== '---') return undefined;
  for (let i = from + 1; i < lines.length && lines[i]?.trim() !== '...'; i++) {
    const m = /^\s*error:\s*(.*)$/.exec(lines[i] ?? '');
    if (m === null || (lines[i]?.search(/\S/) ?? 0) > indent + 2) continue;
    const value = (m[1] ?? '').trim();
    if (!/^[|>]/.test(value)) return value.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
    return lines
      .slice(i + 1)
      .find((l) => l.trim() !== '')
      ?.trim();
  }
  return undefined;
}

export function parseTap(text: string): ParseResult {
  const expected = 'a TAP report (ok / not ok test points)';
  const lines = text.split(/\r?\n/);
  const points: Point[] = [];
  let plan = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '---') {
      // a YAML block: nothing in it is a test point
      while (i + 1 < lines.length && lines[i + 1]?.trim() !== '...') i++;
      continue;
    }
    if (/^\s*1\.\.\d+/.test(line)) plan = true;
    const m = POINT.exec(line);
    if (m === null) continue;
    const rawName = m[4] ?? '';
    points.push({
      indent: (m[1] ?? '').length,
      ok: m[2] === 'ok',
      name: unescape(rawName.replace(DIRECTIVE, '').trim()) || `test ${m[3] ?? points.length + 1}`,
      skipped: DIRECTIVE.test(rawName),
      next: i + 1,
    });
  }
  if (points.length === 0 && !plan) return notUnderstood(expected, text, 'no test point and no plan');
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failedTests: string[] = [];
  const details: string[] = [];
  points.forEach((p, i) => {
    const previous = points[i - 1];
    if (previous !== undefined && previous.indent > p.indent) return; // a suite: its tests came before it
    if (p.skipped) skipped++;
    else if (p.ok) passed++;
    else {
      failed++;
      if (failedTests.length < 10) failedTests.push(p.name);
      const why = errorLine(lines, p.next, p.indent);
      if (details.length < 10) details.push(`FAIL ${p.name}${why ? `: ${oneLine(why, 200)}` : ''}`);
    }
  });
  const total = passed + failed + skipped;
  const summary =
    total === 0
      ? 'no tests ran'
      : `${count(passed, 'test')} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
  return stageReport(summary, {
    testsPassed: passed,
    testsFailed: failed,
    ...(failedTests.length > 0 && { failedTests, details }),
  });
}
