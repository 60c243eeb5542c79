// The body of hack/capture-stage-output.sh: each testdata file is what an agent's command wrote.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  FOUNDING_OVERLAY,
  LINT_ERRORS_OVERLAY,
  ROOT,
  revisionOf,
  run,
  runAgent,
  stageToolsBin,
  startRegistry,
  workspaceOf,
} from './stage-run.js';
import type { StageAgentKind } from '../src/stages/agents.js';

const tools = stageToolsBin();
if ('missing' in tools) throw new Error(tools.missing);
const { bin } = tools;
const out = join(ROOT, 'src', 'stages', 'testdata');
const made: string[] = [];

async function capture(
  kind: StageAgentKind,
  dir: string,
  env: Record<string, string>,
  saves: Record<string, string>,
): Promise<void> {
  const ran = await runAgent(kind, dir, bin, env);
  for (const [report, name] of Object.entries(saves)) {
    const text = ran.files[report];
    if (text === undefined) throw new Error(`${kind} wrote no ${report} (exit ${ran.code}):\n${ran.output}`);
    writeFileSync(join(out, name), text);
    made.push(`${name} (${kind}, exit ${ran.code})`);
  }
  rmSync(dirname(dir), { recursive: true, force: true });
}

const clean = () => workspaceOf();
const founding = () => workspaceOf([FOUNDING_OVERLAY]);
// the lint-errors overlay, and one file ESLint cannot parse (a fatal error, with no rule)
const lintErrors = () => workspaceOf([LINT_ERRORS_OVERLAY], { 'src/broken.js': 'export const broken = ;\n' });

await capture('lint', await clean(), {}, { '.bosun/reports/eslint.json': 'eslint-clean.json' });
await capture('lint', await lintErrors(), {}, { '.bosun/reports/eslint.json': 'eslint.json' });
await capture('test', await clean(), { BOSUN_ATTEMPT: '1' }, { '.bosun/reports/junit.xml': 'junit-pass.xml' });
await capture('test', await founding(), { BOSUN_ATTEMPT: '1' }, { '.bosun/reports/junit.xml': 'junit-fail.xml' });
{
  // TAP is not an agent's report: node's own reporter, on the same failing attempt
  const dir = await founding();
  const ran = await run('node', ['--test', '--test-reporter=tap'], dir, { ...process.env, BOSUN_ATTEMPT: '1' });
  writeFileSync(join(out, 'tap-fail.tap'), ran.output);
  made.push(`tap-fail.tap (node --test --test-reporter=tap, exit ${ran.code})`);
  rmSync(dirname(dir), { recursive: true, force: true });
}
const registry = await startRegistry(bin);
try {
  const dir = await founding();
  const revision = await revisionOf(dir);
  const build = await runAgent('build', dir, bin, {
    BOSUN_REVISION: revision,
    BOSUN_ATTEMPT: '1',
    BOSUN_IMAGE_REPOSITORY: `${registry.host}/sample-app`,
  });
  const image = build.files['.bosun/reports/image.txt'];
  if (image === undefined) throw new Error(`the build wrote no image.txt (exit ${build.code}):\n${build.output}`);
  writeFileSync(join(out, 'image.txt'), image);
  made.push(`image.txt (build, exit ${build.code})`);
  rmSync(dirname(dir), { recursive: true, force: true });
  await capture(
    'security',
    await founding(),
    { BOSUN_REVISION: revision, BOSUN_ATTEMPT: '1', BOSUN_IMAGE: image.trim() },
    { '.bosun/reports/trivy-fs.json': 'trivy-fs.json', '.bosun/reports/trivy-image.json': 'trivy-image.json' },
  );
  await capture(
    'security',
    await clean(),
    { BOSUN_ATTEMPT: '1' },
    { '.bosun/reports/trivy-fs.json': 'trivy-fs-clean.json' },
  );
} finally {
  await registry.stop();
}
console.log(`wrote ${out}:\n  ${made.join('\n  ')}`);
