// Writes src/redact/secret-patterns.json from gitleaks' default rules: `npx tsx hack/generate-secret-patterns.ts`.
// The version is pinned, and the module zip's SHA-256 with it: a changed download fails, it is never
// silently converted. To move to a new version: change both, run, review the diff of the JSON and
// the redact tests (a new generic rule may eat plan hashes or UIDs: see src/redact/gitleaks.ts).
// The zip comes from the Go module proxy, which serves every tagged gitleaks release unchanged.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { convertConfig } from './secret-patterns/convert.js';
import { parseToml } from './secret-patterns/toml.js';

const MODULE = 'github.com/zricethezav/gitleaks/v8';
const VERSION = 'v8.30.1';
const SHA256 = '4fd70631c0f6159e38fdb99ad126e3ba60d4212420062029d3dc5f510f6f2961';
const URL = `https://proxy.golang.org/${MODULE}/@v/${VERSION}.zip`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src', 'redact', 'secret-patterns.json');

const res = await fetch(URL);
if (!res.ok) throw new Error(`BOSUN_ERR_GENERATE: ${URL}: HTTP ${res.status}`);
const zip = Buffer.from(await res.arrayBuffer());
const sha = createHash('sha256').update(zip).digest('hex');
if (sha !== SHA256) throw new Error(`BOSUN_ERR_GENERATE: ${URL} has SHA-256 ${sha}, expected ${SHA256}`);

const dir = mkdtempSync(join(tmpdir(), 'gitleaks-'));
try {
  writeFileSync(join(dir, 'm.zip'), zip);
  const prefix = `${MODULE}@${VERSION}`;
  const read = (path: string) =>
    execFileSync('unzip', ['-p', join(dir, 'm.zip'), `${prefix}/${path}`], { encoding: 'utf8' });
  const data = convertConfig(parseToml(read('config/gitleaks.toml')), {
    module: MODULE,
    version: VERSION,
    url: URL,
    sha256: SHA256,
    licence: read('LICENSE').trim(),
  });
  // formatted as `npm run lint` wants it, so regenerating an unchanged version changes nothing
  const options = { ...(await resolveConfig(out)), filepath: out };
  writeFileSync(out, await format(JSON.stringify(data, null, 2), options));
  console.log(`wrote ${out}: ${data.converted} rules converted, ${data.skipped.length} skipped`);
  for (const s of data.skipped) console.log(`  skipped ${s.id}: ${s.reason}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
