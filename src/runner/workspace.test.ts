import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../../hack/control-plane/git-server.js';
import { makeWorkspace, runGit, withoutCredentials } from './workspace.js';

// a real git daemon on loopback, and real git clones
let server: GitServer;
let base: string;
let first: string;
let second: string;

beforeAll(async () => {
  server = await startGitServer();
  base = mkdtempSync(join(tmpdir(), 'bosun-ws-test-'));
  const app = mkdtempSync(join(tmpdir(), 'bosun-app-'));
  writeFileSync(join(app, 'version.txt'), 'one\n');
  first = server.commitTree('app', [app]);
  writeFileSync(join(app, 'version.txt'), 'two\n');
  second = server.commitTree('app', [app]);
  rmSync(app, { recursive: true });
});
afterAll(async () => {
  await server?.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("a work item's workspace", () => {
  it('holds the source at the revision asked for, by full or short SHA', async () => {
    const git = runGit();
    const old = await makeWorkspace(base, { source: { repo: server.url('app'), revision: first } }, git);
    expect(readFileSync(join(old, 'version.txt'), 'utf8')).toBe('one\n');
    const head = await makeWorkspace(base, { source: { repo: server.url('app'), revision: second.slice(0, 7) } }, git);
    expect(readFileSync(join(head, 'version.txt'), 'utf8')).toBe('two\n');
  });

  it('is an empty directory without a source', async () => {
    const dir = await makeWorkspace(base, {}, runGit());
    expect(dir.startsWith(base)).toBe(true);
  });

  it.each([
    { why: 'an unknown repository', repo: () => server.url('nope'), says: /no such repository/ },
    { why: 'a file:// URL', repo: () => 'file:///etc', says: /transport 'file' not allowed/ },
    { why: 'an ext:: URL', repo: () => 'ext::sh -c touch% /tmp/pwned', says: /transport 'ext' not allowed/ },
  ])('fails clearly on $why', async ({ repo, says }) => {
    await expect(makeWorkspace(base, { source: { repo: repo(), revision: first } }, runGit())).rejects.toThrow(says);
  });

  it('fails clearly on a revision the repository does not have', async () => {
    const source = { repo: server.url('app'), revision: 'deadbeefdeadbeef' };
    await expect(makeWorkspace(base, { source }, runGit())).rejects.toThrow(/at deadbeefdeadbeef: git checkout failed/);
  });

  it('never shows the credentials of a URL', async () => {
    expect(withoutCredentials('https://bosun:s3cret@git.example/app.git')).toBe('https://git.example/app.git');
    const source = { repo: 'http://bosun:s3cret@127.0.0.1:1/app.git', revision: first };
    const err = await makeWorkspace(base, { source }, runGit()).catch((e: unknown) => e as Error);
    expect(String(err)).toMatch(/could not check out http:\/\/127\.0\.0\.1:1\/app\.git/);
    expect(String(err)).not.toContain('s3cret');
  });
});
