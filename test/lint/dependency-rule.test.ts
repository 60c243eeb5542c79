// The layer rule (README, Layout) holds in src/, and the lint really catches a
// file that breaks it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');
const config = join(repoRoot, '.dependency-cruiser.cjs');

function cruise(cwd: string) {
  return spawnSync(depcruise, ['src', '--config', config], { cwd, encoding: 'utf8' });
}

// each case spawns dependency-cruiser over a whole tree: seconds on a busy 2-core machine
describe('dependency rule', { timeout: 60_000 }, () => {
  const fixture = mkdtempSync(join(tmpdir(), 'bosun-depcruise-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(fixture, path)), { recursive: true });
    writeFileSync(join(fixture, path), text);
  };

  it('holds for the project', () => {
    const res = cruise(repoRoot);
    expect(res.status, res.stdout + res.stderr).toBe(0);
  });

  it.each([
    {
      why: 'a lower layer importing a higher one (api -> kube)',
      from: 'src/api/a.ts',
      to: 'src/kube/b.ts',
      rule: 'layer-api',
    },
    { why: 'llm talking to the cluster (llm -> kube)', from: 'src/llm/a.ts', to: 'src/kube/b.ts', rule: 'layer-llm' },
    {
      why: 'tickets talking to the cluster (tickets -> kube)',
      from: 'src/tickets/a.ts',
      to: 'src/kube/b.ts',
      rule: 'layer-tickets',
    },
    {
      why: 'anything importing a controller (executor -> controllers)',
      from: 'src/executor/a.ts',
      to: 'src/controllers/goal/b.ts',
      rule: 'layer-executor',
    },
    {
      why: 'anything importing the CLI (controllers -> cli)',
      from: 'src/controllers/a.ts',
      to: 'src/cli/b.ts',
      rule: 'nothing-imports-entry-points',
    },
  ])('fails on $why', ({ from, to, rule }) => {
    rmSync(join(fixture, 'src'), { recursive: true, force: true });
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const rel = to.replace(/^src\//, '').replace(/\.ts$/, '.js');
    const depth = from.split('/').length - 2;
    write(from, `import { b } from '${'../'.repeat(depth)}${rel}';\nexport const a = b;\n`);
    write(to, 'export const b = 1;\n');
    const res = cruise(fixture);
    expect(res.status).not.toBe(0);
    expect(res.stdout).toContain(rule);
  });
});
