import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GROUP_DIR, HEALTH_LUA, KINDS, renderArgocd } from './argocd.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = await renderArgocd(root);
const fix = 'run npx tsx hack/generate-argocd.ts and commit the result';

describe('generated Argo CD files', () => {
  for (const [path, content] of files) {
    it(`${path} is up to date`, () => {
      let onDisk = '';
      try {
        onDisk = readFileSync(join(root, path), 'utf8');
      } catch {
        // missing: reported by the comparison below
      }
      expect(onDisk, `${path} is stale or missing: ${fix}`).toBe(content);
    });
  }

  it.each(KINDS)('%s/testdata holds only the generated fixtures', (kind) => {
    const dir = `${GROUP_DIR}/${kind}/testdata`;
    for (const name of readdirSync(join(root, dir)))
      expect(files.has(`${dir}/${name}`), `${dir}/${name} is not generated any more: delete it (${fix})`).toBe(true);
  });

  it("installs the health check into argocd-cm under each kind's resource.customizations.health key", () => {
    const patch = files.get('config/argocd/argocd-cm-patch.yaml') ?? '';
    const lua = readFileSync(join(root, HEALTH_LUA), 'utf8');
    for (const kind of KINDS) {
      expect(patch).toContain(`resource.customizations.health.bosun.dev_${kind}: |`);
      expect(patch).toContain(
        lua
          .split('\n')
          .map((l) => (l ? `    ${l}` : l))
          .join('\n'),
      );
    }
  });
});
