// The control plane never outlives the process that started it: SIGKILL that
// process (as CI does to a run that times out) and every component goes too.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.js';

const processesUsing = (dir: string) =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !line.includes('hack/control-plane/main.ts'));

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe('control plane lifecycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-orphan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no process behind when its parent is SIGKILLed', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'hack/control-plane/main.ts'), dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    expect(await eventually(() => out.includes('control plane ready'), 120_000), out).toBe(true);

    const before = processesUsing(dir);
    // etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, each under its supervisor
    for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']) {
      expect(
        before.some((l) => l.includes(`/${name} `)),
        `${name} running`,
      ).toBe(true);
    }

    parent.kill('SIGKILL');
    const gone = await eventually(() => processesUsing(dir).length === 0, 20_000);
    expect(gone, processesUsing(dir).join('\n')).toBe(true);
  });
});
