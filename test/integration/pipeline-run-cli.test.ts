// `kubectl bosun pipeline run`, run as people run it (kubectl finds the plugin on PATH) against the real
// control plane and Bosun's admission webhook: the run it creates is stamped with whoever ran it, at the
// revision given or at the head of the Pipeline's branch as the real git reads it from a git daemon on
// loopback; someone who may not create runs creates nothing. No operator runs: nothing here needs one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../hack/control-plane/git-server.js';
import { kubectlOk, useNamespace } from '../support/cluster.js';
import { kubectlBosun } from '../support/plugin.js';
import { applyPipeline, getRun } from '../support/pipelines.js';

const SHA = '3f9c2ab0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6';

describe('kubectl bosun pipeline run', { timeout: 120_000 }, () => {
  const ns = useNamespace('plrun-cli');
  let dir = '';
  let head = '';
  let server: GitServer | undefined;
  const runs = () =>
    (
      JSON.parse(kubectlOk(['get', 'pipelineruns', '-o', 'json'], { namespace: ns() })) as {
        items: { metadata: { name: string } }[];
      }
    ).items.map((r) => r.metadata.name);

  beforeAll(async () => {
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    dir = mkdtempSync(join(tmpdir(), 'bosun-plrun-repo-'));
    writeFileSync(join(dir, 'README.md'), 'local\n');
    server = await startGitServer();
    head = server.commitTree('local', [dir], { branch: 'trunk' });
    const stages = [{ name: 'test', agent: 'test', command: ['true'] }];
    applyPipeline(ns(), 'web', { stages });
    kubectlOk(['apply', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Pipeline',
        metadata: { name: 'local' },
        spec: { source: { repo: server.url('local'), branch: 'trunk' }, stages },
      }),
    });
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a manual run at the revision given, with whoever ran it as its requester', () => {
    const res = kubectlBosun('alice', ['pipeline', 'run', 'web', '--revision', SHA, '-n', ns()]);
    expect(res.code, res.stderr).toBe(0);
    const name = /^created pipelinerun (web-3f9c2ab-[a-z0-9]{4}) in /.exec(res.stdout)?.[1] ?? '';
    expect(name, res.stdout).not.toBe('');
    expect(res.stdout).toContain(`kubectl bosun describe pipelinerun ${name} -n ${ns()}`);
    const run = getRun(ns(), name);
    expect(run.spec).toMatchObject({ pipelineRef: { name: 'web' }, revision: SHA, trigger: { type: 'manual' } });
    expect(run.spec.requester?.username).toBe('alice');
  });

  it('runs the head of the branch, as git reads it', () => {
    const res = kubectlBosun('alice', ['pipeline', 'run', 'local', '-n', ns()]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`pipeline local at ${head}, the head of trunk`);
    const name = /^created pipelinerun (\S+) in /.exec(res.stdout)?.[1] ?? '';
    expect(getRun(ns(), name).spec.revision).toBe(head);
  });

  it('creates nothing for someone who may not create runs, and says why', () => {
    kubectlOk(['create', 'rolebinding', 'mallory-views', '--clusterrole=bosun-viewer', '--user=mallory'], {
      namespace: ns(),
    });
    const before = runs();
    const res = kubectlBosun('mallory', ['pipeline', 'run', 'web', '--revision', SHA, '-n', ns()]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/forbidden/i);
    expect(runs()).toEqual(before);
  });
});
