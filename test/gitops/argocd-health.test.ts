// Bosun's Argo CD health checks (config/argocd/resource_customizations), run under Argo CD's contract by
// test/argocd-health: every health_test.yaml case passes, with and without the standard libraries; and
// over every phase of every kind, the Lua agrees with kstatus itself.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFixtures, fixtureName, type Fixture } from './fixtures/index.js';
import { ARGOCD_HEALTH, KSTATUS, readAll, run, toolPath, type Reading } from './tools.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const checks = join(root, 'config/argocd/resource_customizations');
const fixtures = await allFixtures();
const named = (f: Fixture) => ({ ...f.object, metadata: { ...f.object.metadata, name: fixtureName(f) } });

/** Argo CD's health for each kstatus reading: Suspended is in progress too (a person moves it on). */
const AGREES: Record<string, string[]> = {
  InProgress: ['Progressing', 'Suspended'],
  Current: ['Healthy'],
  Failed: ['Degraded'],
};

describe("Argo CD health checks, under Argo CD's contract", () => {
  let bin: string;
  let scratch: string;
  beforeAll(() => {
    bin = toolPath(ARGOCD_HEALTH);
    scratch = mkdtempSync(join(tmpdir(), 'bosun-argocd-'));
  });
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('passes every case of every health_test.yaml, one per phase fixture', () => {
    const r = run(bin, ['check', checks]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`5 health check(s), ${fixtures.length} case(s), 0 failed`);
  });

  it('fails a case whose expectation is wrong, and a script that needs a library Argo CD does not open', () => {
    cpSync(checks, scratch, { recursive: true });
    const goal = join(scratch, 'bosun.dev/Goal');
    const tests = readFileSync(join(goal, 'health_test.yaml'), 'utf8');
    writeFileSync(join(goal, 'health_test.yaml'), tests.replace('status: Healthy', 'status: Degraded'));
    const lua = join(scratch, 'bosun.dev/Pipeline/health.lua');
    writeFileSync(lua, `local _ = string.len("a library")\n${readFileSync(lua, 'utf8')}`);
    const r = run(bin, ['check', scratch]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL bosun\.dev\/Goal testdata\/succeeded\.yaml \(open libs\): got Healthy/m);
    // open libs (Argo CD's own tests) have string; argocd-cm's checks do not, by default
    expect(r.stdout).toMatch(/^FAIL bosun\.dev\/Pipeline testdata\/ready\.yaml \(sandboxed\): .*string/m);
    expect(r.stdout).not.toMatch(/^FAIL bosun\.dev\/Pipeline testdata\/\S+ \(open libs\)/m);
  });

  describe('over every phase of every kind', () => {
    let health: Map<string, Reading>;
    let kstatus: Map<string, Reading>;
    beforeAll(() => {
      const objects = fixtures.map(named);
      health = new Map(readAll(bin, ['eval', checks], objects).map((r) => [r.name, r]));
      kstatus = new Map(readAll(toolPath(KSTATUS), [], objects).map((r) => [r.name, r]));
    });

    it.each(fixtures.map((f) => [`${fixtureName(f)} (${f.phase || 'no status'})`, f] as const))(
      '%s: the fixture’s health, agreeing with kstatus',
      (_name, f) => {
        const h = health.get(fixtureName(f));
        const k = kstatus.get(fixtureName(f));
        expect(h?.status).toBe(f.health);
        if (f.object.status === undefined) {
          // before Bosun's first status write kstatus reads Current; the check says Progressing
          expect([h?.status, k?.status]).toEqual(['Progressing', 'Current']);
          return;
        }
        expect(AGREES[k?.status ?? '']).toContain(h?.status);
        if (k?.status !== 'Current') expect(h?.message).toBe(k?.message);
      },
    );
  });
});
