// The image's SBOM, made as the Dockerfile makes it: production dependencies
// installed alone (npm ci --omit=dev, from npm's cache when it has them), then
// hack/sbom.sh. Every product dependency is in it, no development tool is.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'bosun-sbom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SBOM (hack/sbom.sh, as the Dockerfile runs it)', () => {
  it('lists every production dependency and none of the development ones', { timeout: 300_000 }, () => {
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(root, f), join(dir, f));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const sbom = JSON.parse(
      execFileSync(join(root, 'hack', 'sbom.sh'), [dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
    ) as { bomFormat: string; components: { name: string; group?: string }[] };
    expect(sbom.bomFormat).toBe('CycloneDX');
    const names = new Set(sbom.components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies)) expect(names, dep).toContain(dep);
    // a development dependency that no production package needs is not installed, and not listed
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !existsSync(join(dir, 'node_modules', d)));
    expect(devOnly).toEqual(expect.arrayContaining(['vitest', 'eslint', 'typescript']));
    for (const dep of devOnly) expect(names, dep).not.toContain(dep);
    // the copy of package.json the script edits is put back
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(readFileSync(join(root, 'package.json'), 'utf8'));
  });
});
