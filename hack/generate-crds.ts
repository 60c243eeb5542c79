// Writes the generated CRDs and the Helm chart's generated files: `npm run generate`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderChart } from './chart/render.js';
import { renderCrds } from './crds.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of [...renderCrds(), ...renderChart(root)]) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
