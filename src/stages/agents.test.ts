import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPORTS_DIR, STAGE_AGENTS } from './agents.js';
import { testdata } from './stages.testdata.js';

const kinds = ['lint', 'test', 'build', 'security'] as const;

describe('STAGE_AGENTS', () => {
  it('runs each command with sh -c, writes its reports under .bosun/reports/, and is valid sh', () => {
    for (const kind of kinds) {
      const { command, reports } = STAGE_AGENTS[kind];
      expect(command.slice(0, 2)).toEqual(['sh', '-c']);
      expect(command).toHaveLength(3);
      for (const r of reports) expect(r.startsWith(`${REPORTS_DIR}/`)).toBe(true);
      const check = spawnSync('sh', ['-n', '-c', command[2]!], { encoding: 'utf8' });
      expect(check.status, `${kind}: ${check.stderr}`).toBe(0);
    }
  });

  it('asks for the network only to push and pull images', () => {
    expect(kinds.map((k) => STAGE_AGENTS[k].network)).toEqual([false, false, true, true]);
  });

  it('uses only offline Trivy scanners, and never turns TLS checks off', () => {
    const script = STAGE_AGENTS.security.command[2]!;
    expect(script).toContain('--scanners secret,misconfig');
    for (const flag of ['--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--offline-scan']) {
      expect(script).toContain(flag);
    }
    expect(script).not.toContain('--insecure');
    expect(STAGE_AGENTS.build.command[2]).not.toContain('--insecure');
  });

  it('parses each report file it names', () => {
    const lint = STAGE_AGENTS.lint.parse({ '.bosun/reports/eslint.json': testdata('eslint.json') });
    expect(lint.ok && lint.report.findings.lintErrors).toBe(5);
    const test = STAGE_AGENTS.test.parse({ '.bosun/reports/junit.xml': testdata('junit-fail.xml') });
    expect(test.ok && test.report.findings.testsFailed).toBe(2);
    const build = STAGE_AGENTS.build.parse({ '.bosun/reports/image.txt': testdata('image.txt') });
    expect(build.ok && build.report.findings.image).toBe(testdata('image.txt').trim());
  });

  it('scans the workspace alone when there is no image report, and both when there is', () => {
    const fs = testdata('trivy-fs.json');
    const alone = STAGE_AGENTS.security.parse({
      '.bosun/reports/trivy-fs.json': fs,
      '.bosun/reports/trivy-image.json': undefined,
    });
    expect(alone.ok && alone.report.summary).toMatch(/ in 1 report$/);
    const both = STAGE_AGENTS.security.parse({
      '.bosun/reports/trivy-fs.json': fs,
      '.bosun/reports/trivy-image.json': testdata('trivy-image.json'),
    });
    expect(both.ok && both.report.findings.vulnerabilities).toEqual({ critical: 0, high: 1, medium: 0, low: 1 });
  });

  it('says which report is missing and where to look', () => {
    expect(STAGE_AGENTS.lint.parse({})).toEqual({
      ok: false,
      problem: "ESLint wrote no report (.bosun/reports/eslint.json): see the stage's log",
    });
    for (const kind of kinds) {
      const r = STAGE_AGENTS[kind].parse({});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toContain(STAGE_AGENTS[kind].reports[0]);
    }
  });
});
