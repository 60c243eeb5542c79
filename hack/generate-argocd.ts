// Writes the generated files under config/argocd (testdata, health_test.yaml, argocd-cm-patch.yaml):
// npx tsx hack/generate-argocd.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArgocd } from './argocd.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of await renderArgocd(root)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
