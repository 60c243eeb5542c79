// The stage agents' real commands with the real tools (hack/build-stage-tools.sh; hack/test.sh
// exports BOSUN_STAGE_TOOLS), as the runner runs them minus the sandbox: each in a fresh copy of
// samples/app (with the founding overlay where it should fail), with go-containerregistry's
// registry on loopback for the build and the image scan, and its reports read by the agent's parser.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FOUNDING_OVERLAY,
  LINT_ERRORS_OVERLAY,
  revisionOf,
  run,
  runAgent,
  stageToolsBin,
  startRegistry,
  workspaceOf,
  type AgentRun,
  type Registry,
} from '../../hack/stage-run.js';
import { STAGE_AGENTS, type StageAgentKind } from '../../src/stages/agents.js';
import type { StageReport } from '../../src/stages/report.js';

const tools = stageToolsBin();
const bin = 'bin' in tools ? tools.bin : '';
const title = 'missing' in tools ? `stage agents (skipped: ${tools.missing})` : 'stage agents with the real tools';
if ('missing' in tools) console.warn(`[stage-tools] skipped: ${tools.missing}`);

const workspaces: string[] = [];
let registry: Registry | undefined;

/** Runs the agent in a fresh workspace and parses its reports; fails with the agent's output when they do not parse. */
async function stage(
  kind: StageAgentKind,
  overlays: string[],
  env: Record<string, string> = {},
): Promise<{ ran: AgentRun; report: StageReport; dir: string }> {
  const dir = await workspaceOf(overlays);
  workspaces.push(dir);
  const revision = await revisionOf(dir);
  const ran = await runAgent(kind, dir, bin, { BOSUN_REVISION: revision, BOSUN_ATTEMPT: '1', ...env });
  const parsed = STAGE_AGENTS[kind].parse(ran.files);
  if (!parsed.ok) throw new Error(`${kind}: ${parsed.problem}\nexit ${ran.code}, output:\n${ran.output}`);
  return { ran, report: parsed.report, dir };
}

describe.skipIf(!bin)(title, () => {
  beforeAll(async () => {
    registry = await startRegistry(bin);
  });
  afterAll(async () => {
    await registry?.stop();
    for (const dir of workspaces) rmSync(dirname(dir), { recursive: true, force: true });
  });

  it('lint: the sample app has no ESLint error (its two warnings are shown)', async () => {
    const { ran, report } = await stage('lint', []);
    expect(ran.code).toBe(0);
    expect(report.findings).toMatchObject({ lintErrors: 0, lintWarnings: 2 });
    expect(report.findings.details?.[0]).toMatch(/^src\/server\.js:7:3 warning no-console: /);
  });

  it('lint: errors leave the report and ESLint exit code 1', async () => {
    const { ran, report } = await stage('lint', [LINT_ERRORS_OVERLAY]);
    expect(ran.code).toBe(1);
    expect(report.findings).toMatchObject({ lintErrors: 4, lintWarnings: 2 });
  });

  it('test: the founding commit fails exactly its 2 flaky tests on attempt 1 and none on attempt 2', async () => {
    const first = await stage('test', [FOUNDING_OVERLAY], { BOSUN_ATTEMPT: '1' });
    expect(first.ran.code).toBe(1);
    expect(first.report.findings).toMatchObject({ testsPassed: 6, testsFailed: 2 });
    expect(first.report.findings.failedTests).toEqual([
      'the rates service answers',
      'the rates service returns today’s rates',
    ]);
    // the spec reporter goes to the log
    expect(first.ran.output).toMatch(/✖ the rates service answers/);
    const second = await stage('test', [FOUNDING_OVERLAY], { BOSUN_ATTEMPT: '2' });
    expect(second.ran.code).toBe(0);
    expect(second.report.findings).toMatchObject({ testsPassed: 8, testsFailed: 0 });
  });

  it('build: pushes an image by digest that the registry has, non-root, with the app under /app', async () => {
    const repository = `${registry!.host}/sample-app`;
    const { ran, report, dir } = await stage('build', [], { BOSUN_IMAGE_REPOSITORY: repository });
    expect(ran.code).toBe(0);
    const image = report.findings.image!;
    expect(image).toMatch(new RegExp(`^${repository.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(report.summary).toBe(`pushed ${image}`);
    const env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir };
    const digest = await run('crane', ['digest', image], dir, env);
    expect(digest.code).toBe(0);
    expect(`${repository}@${digest.output.trim()}`).toBe(image);
    // the tag names the revision and points at the same image
    const tagged = await run('crane', ['digest', `${repository}:${await revisionOf(dir)}`], dir, env);
    expect(tagged.output.trim()).toBe(digest.output.trim());
    const config = JSON.parse((await run('crane', ['config', image], dir, env)).output) as {
      config: { Entrypoint: string[]; WorkingDir: string; User: string };
    };
    expect(config.config).toMatchObject({
      Entrypoint: ['node', '/app/src/server.js'],
      WorkingDir: '/app',
      User: '65532:65532',
    });
    const files = await run('sh', ['-c', `crane export ${image} - | tar -t`], dir, env);
    expect(files.output.split('\n')).toEqual(expect.arrayContaining(['app/src/server.js', 'app/package.json']));
    expect(files.output).not.toMatch(/^app\/\.(git|bosun)\//m);
  });

  it('security: the founding commit has exactly 1 high finding (the planted secret), workspace and image', async () => {
    const fsOnly = await stage('security', [FOUNDING_OVERLAY]);
    expect(fsOnly.ran.code).toBe(0);
    expect(fsOnly.report.findings.vulnerabilities).toEqual({ critical: 0, high: 1, medium: 0, low: 0 });
    expect(fsOnly.report.findings.details).toEqual(['secret src/deploy-config.js:5 HIGH pulumi-api-token']);

    const built = await stage('build', [FOUNDING_OVERLAY], { BOSUN_IMAGE_REPOSITORY: `${registry!.host}/founding` });
    const withImage = await stage('security', [FOUNDING_OVERLAY], { BOSUN_IMAGE: built.report.findings.image! });
    expect(withImage.ran.code).toBe(0);
    expect(withImage.report.findings.vulnerabilities).toMatchObject({ critical: 0, high: 1 });
    expect(withImage.report.summary).toMatch(/in 2 reports; 1 finding in more than one report counted once$/);
  });

  it('security: the sample app alone has nothing at high or critical', async () => {
    const { ran, report } = await stage('security', []);
    expect(ran.code).toBe(0);
    expect(report.findings.vulnerabilities).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
  });
});
