import { describe, expect, it } from 'vitest';
import { parseTrivy } from './trivy.js';
import { testdata } from './stages.testdata.js';

const report = (results: unknown[]) => JSON.stringify({ SchemaVersion: 2, ArtifactName: '.', Results: results });

describe('parseTrivy on trivy --format json', () => {
  it("finds the founding commit's planted secret in the workspace: 1 high", () => {
    const r = parseTrivy([testdata('trivy-fs.json')]);
    expect(r.ok && r.report).toEqual({
      summary: 'Trivy: 0 critical, 1 high, 0 medium, 0 low (1 secret) in 1 report',
      findings: {
        vulnerabilities: { critical: 0, high: 1, medium: 0, low: 0 },
        details: ['secret src/deploy-config.js:5 HIGH pulumi-api-token'],
      },
    });
  });

  it("merges the image's report: the same secret at /app/... counts once, the image config's check adds a low", () => {
    const r = parseTrivy([testdata('trivy-fs.json'), testdata('trivy-image.json')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.summary).toBe(
      'Trivy: 0 critical, 1 high, 0 medium, 1 low (1 secret, 1 misconfiguration) in 2 reports; ' +
        '1 finding in more than one report counted once',
    );
    expect(r.report.findings.vulnerabilities).toEqual({ critical: 0, high: 1, medium: 0, low: 1 });
    expect(r.report.findings.details).toEqual([
      'secret src/deploy-config.js:5 HIGH pulumi-api-token',
      expect.stringMatching(/^misconfig 127\.0\.0\.1:\d+\/sample-app@sha256:[0-9a-f]{64} LOW DS-0026 No HEALTHCHECK/),
    ]);
  });

  it('reads the image report alone with the secret at its path in the image', () => {
    const r = parseTrivy([testdata('trivy-image.json')]);
    expect(r.ok && r.report.findings.details?.[0]).toBe('secret /app/src/deploy-config.js:5 HIGH pulumi-api-token');
  });

  it('reads a clean workspace (no Results) as no finding', () => {
    const r = parseTrivy([testdata('trivy-fs-clean.json')]);
    expect(r.ok && r.report).toEqual({
      summary: 'Trivy: 0 critical, 0 high, 0 medium, 0 low in 1 report',
      findings: { vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0 } },
    });
  });

  it('counts vulnerabilities, UNKNOWN as low, failed checks only, and sorts details by severity', () => {
    const text = report([
      {
        Target: 'package-lock.json',
        Vulnerabilities: [
          { VulnerabilityID: 'CVE-2021-23337', PkgName: 'lodash', InstalledVersion: '4.17.4', Severity: 'HIGH' },
          { VulnerabilityID: 'CVE-2099-0001', PkgName: 'left-pad', InstalledVersion: '1.0.0', Severity: 'UNKNOWN' },
          { VulnerabilityID: 'CVE-2019-10744', PkgName: 'lodash', InstalledVersion: '4.17.4', Severity: 'CRITICAL' },
        ],
      },
      {
        Target: 'Dockerfile',
        Misconfigurations: [
          { ID: 'DS-0002', Title: "Image user should not be 'root'", Severity: 'HIGH', Status: 'FAIL' },
          { ID: 'DS-0001', Title: ':latest tag', Severity: 'MEDIUM', Status: 'PASS' },
          { ID: 'DS-0026', Severity: 'LOW', Status: 'FAIL', CauseMetadata: { StartLine: 3 } },
        ],
      },
    ]);
    const r = parseTrivy([text]);
    expect(r.ok && r.report.findings).toEqual({
      vulnerabilities: { critical: 1, high: 2, medium: 0, low: 2 },
      details: [
        'vuln package-lock.json CRITICAL CVE-2019-10744 lodash@4.17.4',
        'vuln package-lock.json HIGH CVE-2021-23337 lodash@4.17.4',
        "misconfig Dockerfile HIGH DS-0002 Image user should not be 'root'",
        'misconfig Dockerfile:3 LOW DS-0026',
        'vuln package-lock.json UNKNOWN CVE-2099-0001 left-pad@1.0.0',
      ],
    });
  });

  it('keeps findings that only look alike: another line or another file', () => {
    const secret = (Target: string, StartLine: number) => ({
      Target,
      Secrets: [{ RuleID: 'pulumi-api-token', Severity: 'HIGH', StartLine }],
    });
    const r = parseTrivy([
      report([secret('a/config.js', 5), secret('b/config.js', 5)]),
      report([secret('a/config.js', 6)]),
    ]);
    expect(r.ok && r.report.findings.vulnerabilities?.high).toBe(3);
  });

  it('fails clearly on what is not a Trivy JSON report, naming which report', () => {
    const cases: [string[], RegExp][] = [
      [[], /^expected Trivy's JSON report \(--format json, SchemaVersion 2\), saw no report at all$/],
      [[''], /saw an empty file \(not JSON\)$/],
      [['2024-01-01T00:00:00Z FATAL init error'], /\(not JSON\)$/],
      [['{"SchemaVersion":1}'], /\(wrong shape at SchemaVersion: /],
      [
        [report([{ Target: 'x', Secrets: [{ RuleID: 'r', Severity: 'SEVERE' }] }])],
        /at Results\.0\.Secrets\.0\.Severity/,
      ],
      [[testdata('trivy-fs.json'), testdata('eslint.json')], /\(report 2 of 2\), saw .*wrong shape at the top/],
    ];
    for (const [texts, problem] of cases) {
      const r = parseTrivy(texts);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(problem);
        expect(r.problem.length).toBeLessThan(400);
      }
    }
  });
});
