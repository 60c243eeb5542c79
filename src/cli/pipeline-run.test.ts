// `kubectl bosun pipeline run`: with an injected kubectl (what the API server would answer), and with the
// real git against a repository on disk, and a git that is not there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../hack/control-plane/git-server.js';
import { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import { gitRunner, headOf, runName, shownRepo, startRun, type RunDeps } from './pipeline-run.js';

const SHA = '3f9c2ab0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6';

const pipeline = (o: { repo?: string; branch?: string; status?: Record<string, unknown> } = {}) => ({
  apiVersion: 'bosun.dev/v1alpha1',
  kind: 'Pipeline',
  metadata: { name: 'web', namespace: 'demo' },
  spec: {
    source: { repo: o.repo ?? 'https://git.example/web.git', branch: o.branch ?? 'main' },
    stages: [{ name: 'test', agent: 'test' }],
  },
  ...(o.status && { status: o.status }),
});

/** kubectl as the API server would answer, every call recorded; `taken` names that already exist. */
function fakeKubectl(p: unknown, taken: string[] = []) {
  const calls: { args: string[]; input?: string }[] = [];
  const kubectl: RunDeps['kubectl'] = (args, input) => {
    calls.push({ args, ...(input !== undefined && { input }) });
    if (args[0] === 'get') {
      if (!p) throw new Error(`Error from server (NotFound): pipelines.bosun.dev "${args[2]}" not found`);
      return JSON.stringify(p);
    }
    const obj = JSON.parse(input ?? '{}') as { metadata: { name: string } };
    if (taken.includes(obj.metadata.name))
      throw new Error(
        `Error from server (AlreadyExists): pipelineruns.bosun.dev "${obj.metadata.name}" already exists`,
      );
    return JSON.stringify({ ...obj, metadata: { ...obj.metadata, namespace: 'demo', uid: 'u1' } });
  };
  return { calls, kubectl };
}

const suffixes = (...s: string[]) => {
  let i = 0;
  return () => s[i++] ?? 'zzzz';
};
const noGit: RunDeps['git'] = () => {
  throw new Error('git must not be asked');
};

describe('kubectl bosun pipeline run', () => {
  it('creates a manual run of the revision given, as the user, and says how to follow it', () => {
    const k = fakeKubectl(pipeline());
    const out = startRun('web', 'demo', SHA.slice(0, 12).toUpperCase(), {
      kubectl: k.kubectl,
      git: noGit,
      suffix: suffixes('k2x9'),
    });
    expect(out.split('\n')).toEqual([
      'created pipelinerun web-3f9c2ab-k2x9 in demo: pipeline web at revision 3f9c2ab0d1e2',
      'follow it:',
      '  kubectl bosun describe pipelinerun web-3f9c2ab-k2x9 -n demo',
      '  kubectl get pipelinerun web-3f9c2ab-k2x9 -n demo --watch',
    ]);
    const create = k.calls.at(-1);
    expect(create?.args).toEqual(['create', '-f', '-', '-n', 'demo', '-o', 'json']);
    const manifest = JSON.parse(create?.input ?? '') as unknown;
    expect(manifest).toEqual({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'PipelineRun',
      metadata: { name: 'web-3f9c2ab-k2x9' },
      spec: { pipelineRef: { name: 'web' }, revision: '3f9c2ab0d1e2', trigger: { type: 'manual' } },
    });
    // what the API server would take: the run's own schema (no requester: admission stamps it)
    expect(PipelineRun.safeParse(manifest).success).toBe(true);
  });

  it('takes another name when the first is taken (the same commit run again)', () => {
    const k = fakeKubectl(pipeline(), ['web-3f9c2ab-aaaa']);
    const out = startRun('web', 'demo', SHA, { kubectl: k.kubectl, git: noGit, suffix: suffixes('aaaa', 'bbbb') });
    expect(out).toMatch(/^created pipelinerun web-3f9c2ab-bbbb in demo/);
  });

  it.each([
    ['xyz', /--revision xyz is not a git commit SHA/],
    ['3f9c2', /is not a git commit SHA/],
  ])('refuses --revision %s before asking anything', (rev, want) => {
    const k = fakeKubectl(pipeline());
    expect(() => startRun('web', 'demo', rev, { kubectl: k.kubectl, git: noGit, suffix: suffixes() })).toThrow(want);
    expect(k.calls).toEqual([]);
  });

  it('creates nothing for a halted Pipeline, and says how to resume it', () => {
    const halted = { halted: { since: '2026-03-01T11:00:00Z', generation: 1, message: '3 runs failed' } };
    const k = fakeKubectl(pipeline({ status: halted }));
    expect(() => startRun('web', 'demo', SHA, { kubectl: k.kubectl, git: noGit, suffix: suffixes() })).toThrow(
      /is halted .*kubectl bosun pipeline resume web -n demo/,
    );
    expect(k.calls.map((c) => c.args[0])).toEqual(['get']);
  });

  it('says the Pipeline is not there as kubectl does', () => {
    const k = fakeKubectl(undefined);
    expect(() => startRun('web', 'demo', SHA, { kubectl: k.kubectl, git: noGit, suffix: suffixes() })).toThrow(
      /NotFound/,
    );
  });

  it('reads the exact branch ref from ls-remote output (git matches patterns by their tail)', () => {
    const out = `${'a'.repeat(40)}\trefs/heads/x/refs/heads/main\n${SHA}\trefs/heads/main\n`;
    expect(headOf(out, 'main')).toBe(SHA);
    expect(headOf(out, 'dev')).toBeUndefined();
    expect(shownRepo('https://user:s3cret@git.example/web.git')).toBe('https://git.example/web.git');
  });

  it('never asks git of a repository address that is not a plain URL', () => {
    const k = fakeKubectl(pipeline({ repo: 'ext::sh -c touch% /tmp/x' }));
    expect(() => startRun('web', 'demo', undefined, { kubectl: k.kubectl, git: noGit, suffix: suffixes() })).toThrow(
      /spec.source.repo: must be an https:\/\/, http:\/\/ or git:\/\/ URL/,
    );
  });

  it('cuts a long pipeline name so that the run name stays a valid name', () => {
    const name = runName(`${'a'.repeat(239)}-b`, SHA, 'k2x9');
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^a+-3f9c2ab-k2x9$/);
  });
});

describe('kubectl bosun pipeline run, with the real git (a git daemon on loopback)', () => {
  let dir: string;
  let head: string;
  let server: GitServer;
  let repo: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bosun-ls-remote-'));
    writeFileSync(join(dir, 'README.md'), 'web\n');
    server = await startGitServer();
    head = server.commitTree('web', [dir]);
    repo = server.url('web');
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the head of the source branch', () => {
    const k = fakeKubectl(pipeline({ repo }));
    const out = startRun('web', 'demo', undefined, { kubectl: k.kubectl, git: gitRunner(), suffix: suffixes('q1w2') });
    expect(out).toContain(`pipeline web at ${head}, the head of main`);
    const manifest = JSON.parse(k.calls.at(-1)?.input ?? '') as { spec: { revision: string } };
    expect(manifest.spec.revision).toBe(head);
  });

  it('says a branch the repository does not have is not there', () => {
    const k = fakeKubectl(pipeline({ repo, branch: 'release' }));
    expect(() =>
      startRun('web', 'demo', undefined, { kubectl: k.kubectl, git: gitRunner(), suffix: suffixes() }),
    ).toThrow(`branch release is not in ${repo}: push it, or pass --revision SHA`);
    expect(k.calls.map((c) => c.args[0])).toEqual(['get']);
  });

  it('says what git said of a repository it cannot read', () => {
    const k = fakeKubectl(pipeline({ repo: server.url('missing') }));
    expect(() =>
      startRun('web', 'demo', undefined, { kubectl: k.kubectl, git: gitRunner(), suffix: suffixes() }),
    ).toThrow(/could not read the head of main in git:\/\/.*\/missing.git: git failed \(exit code 128\)/);
  });

  it('says git is not installed, and what to do instead', () => {
    const k = fakeKubectl(pipeline());
    const git = gitRunner(join(dir, 'no-such-git'));
    expect(() => startRun('web', 'demo', undefined, { kubectl: k.kubectl, git, suffix: suffixes() })).toThrow(
      /git is not installed \(or not on PATH\): install it, or pass --revision SHA/,
    );
  });
});
