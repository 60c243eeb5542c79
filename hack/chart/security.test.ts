// Trivy's own misconfiguration checks (its embedded policies, offline) pass on
// every way Bosun is installed: the Dockerfile, the chart with its default and
// ci/ values, and the kustomizations. What is by design is in .trivyignore.yaml,
// each with why.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const trivy = () => {
  const tools = process.env.BOSUN_STAGE_TOOLS;
  if (!tools) throw new Error('BOSUN_STAGE_TOOLS is not set: run hack/build-stage-tools.sh and export its output');
  return join(tools, 'bin', 'trivy');
};
const scan = (target: string, ...args: string[]) => {
  const r = spawnSync(
    trivy(),
    ['config', '--quiet', '--skip-check-update', '--severity', 'HIGH,CRITICAL', '--exit-code', '1'].concat([
      '--ignorefile',
      join(root, '.trivyignore.yaml'),
      '--format',
      'json',
      ...args,
      target,
    ]),
    { encoding: 'utf8' },
  );
  const report = JSON.parse(r.stdout || '{}') as {
    Results?: { Target: string; Misconfigurations?: { ID: string; Title: string }[] }[];
  };
  const findings = (report.Results ?? []).flatMap((x) =>
    (x.Misconfigurations ?? []).map((m) => `${x.Target}: ${m.ID} ${m.Title}`),
  );
  return { status: r.status, findings, scanned: (report.Results ?? []).map((x) => x.Target) };
};

// each case runs Trivy (and kubectl kustomize): seconds each, more on a loaded machine
describe('trivy config: no HIGH or CRITICAL misconfiguration', { timeout: 60_000 }, () => {
  it('in the Dockerfile', () => {
    const r = scan(join(root, 'Dockerfile'));
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  const chart = join(root, 'charts', 'bosun');
  const values = [undefined, ...readdirSync(join(chart, 'ci')).filter((f) => f.endsWith('-values.yaml'))];
  it.each(values.map((v) => [v ?? 'default values']))('in the chart with %s', (v) => {
    const r = scan(chart, ...(v === 'default values' ? [] : ['--helm-values', join(chart, 'ci', v)]));
    expect(r.scanned).toContain('templates/deployment.yaml');
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it.each([['config/default'], ['config/overlays/full']])('in kubectl kustomize %s', (dir) => {
    const out = mkdtempSync(join(tmpdir(), 'bosun-kustomize-'));
    writeFileSync(
      join(out, 'install.yaml'),
      execFileSync('kubectl', ['kustomize', join(root, dir)], { encoding: 'utf8' }),
    );
    const r = scan(out);
    expect(r.scanned).toEqual(['install.yaml']);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });
});
