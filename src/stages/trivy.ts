// Trivy's JSON reports (`--format json`, SchemaVersion 2) → security findings. Several reports
// merge (the workspace's `trivy fs` and the built image's `trivy image`): vulnerabilities, secrets
// and failed misconfiguration checks count by severity; UNKNOWN counts as low (Trivy gives it to
// findings it has no rating for, and a finding is never dropped). A finding that two reports both
// have (the same rule, severity and line, at the same path or one path ending with the other,
// as src/x.js in the workspace and app/src/x.js in the image) counts once.
import { z } from 'zod';
import { count, notUnderstood, stageReport, type ParseResult } from './report.js';

const Severity = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']);
type Severity = z.infer<typeof Severity>;
const Result = z.object({
  Target: z.string(),
  Vulnerabilities: z
    .array(
      z.object({
        VulnerabilityID: z.string(),
        PkgName: z.string().optional(),
        InstalledVersion: z.string().optional(),
        Severity,
      }),
    )
    .nullish(),
  Secrets: z.array(z.object({ RuleID: z.string(), Severity, StartLine: z.int().optional() })).nullish(),
  Misconfigurations: z
    .array(
      z.object({
        ID: z.string(),
        Title: z.string().optional(),
        Severity,
        Status: z.string().optional(),
        CauseMetadata: z.object({ StartLine: z.int().optional() }).optional(),
      }),
    )
    .nullish(),
});
const TrivyReport = z.object({
  SchemaVersion: z.literal(2),
  ArtifactName: z.string().optional(),
  Results: z.array(Result).nullish(),
});

interface Finding {
  kind: 'vuln' | 'secret' | 'misconfig';
  severity: Severity;
  path: string;
  line?: number;
  id: string;
  /** vuln: pkg@version; misconfig: the check's title */
  what?: string;
}

const RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, UNKNOWN: 4 };

function findingsOf(result: z.infer<typeof Result>): Finding[] {
  const path = result.Target;
  const out: Finding[] = [];
  for (const v of result.Vulnerabilities ?? []) {
    const pkg = v.PkgName === undefined ? undefined : `${v.PkgName}@${v.InstalledVersion ?? '?'}`;
    out.push({ kind: 'vuln', severity: v.Severity, path, id: v.VulnerabilityID, ...(pkg && { what: pkg }) });
  }
  for (const s of result.Secrets ?? []) {
    out.push({ kind: 'secret', severity: s.Severity, path, id: s.RuleID, ...(s.StartLine && { line: s.StartLine }) });
  }
  for (const m of result.Misconfigurations ?? []) {
    if (m.Status !== undefined && m.Status !== 'FAIL') continue; // successes, when asked for, are no finding
    const line = m.CauseMetadata?.StartLine;
    out.push({
      kind: 'misconfig',
      severity: m.Severity,
      path,
      id: m.ID,
      ...(line && { line }),
      ...(m.Title && { what: m.Title }),
    });
  }
  return out;
}

const samePath = (a: string, b: string) => a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
const same = (a: Finding, b: Finding) =>
  a.kind === b.kind &&
  a.id === b.id &&
  a.severity === b.severity &&
  a.line === b.line &&
  a.what === b.what &&
  samePath(a.path, b.path);

const detailOf = (f: Finding) =>
  `${f.kind} ${f.path}${f.line === undefined ? '' : `:${f.line}`} ${f.severity} ${f.id}${f.what ? ` ${f.what}` : ''}`;

export function parseTrivy(texts: string[]): ParseResult {
  const expected = "Trivy's JSON report (--format json, SchemaVersion 2)";
  if (texts.length === 0) return { ok: false, problem: `expected ${expected}, saw no report at all` };
  const all: Finding[] = [];
  let repeated = 0;
  for (const [i, text] of texts.entries()) {
    const which = texts.length > 1 ? ` (report ${i + 1} of ${texts.length})` : '';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return notUnderstood(expected + which, text, 'not JSON');
    }
    const parsed = TrivyReport.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first === undefined ? '' : ` at ${first.path.join('.') || 'the top'}: ${first.message}`;
      return notUnderstood(expected + which, text, `wrong shape${where}`);
    }
    for (const f of (parsed.data.Results ?? []).flatMap(findingsOf)) {
      if (all.some((seen) => same(seen, f))) repeated++;
      else all.push(f);
    }
  }
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of all) {
    const s = f.severity === 'UNKNOWN' ? 'LOW' : f.severity;
    bySeverity[s.toLowerCase() as keyof typeof bySeverity]++;
  }
  const kinds = (['vuln', 'secret', 'misconfig'] as const)
    .map((k) => [k, all.filter((f) => f.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) =>
      k === 'vuln'
        ? count(n, 'vulnerability', 'vulnerabilities')
        : k === 'secret'
          ? count(n, 'secret')
          : count(n, 'misconfiguration'),
    );
  const summary =
    `Trivy: ${bySeverity.critical} critical, ${bySeverity.high} high, ${bySeverity.medium} medium, ` +
    `${bySeverity.low} low` +
    (kinds.length > 0 ? ` (${kinds.join(', ')})` : '') +
    ` in ${count(texts.length, 'report')}` +
    (repeated > 0 ? `; ${count(repeated, 'finding')} in more than one report counted once` : '');
  const details = [...all].sort((a, b) => RANK[a.severity] - RANK[b.severity]).map(detailOf);
  return stageReport(summary, { vulnerabilities: bySeverity, ...(details.length > 0 && { details }) });
}
