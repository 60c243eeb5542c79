import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderChart } from './chart/render.js';
import { renderCrds } from './crds.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('generated CRDs and chart files', () => {
  for (const [path, content] of [...renderCrds(), ...renderChart(root)]) {
    it(`${path} is up to date (run npm run generate if this fails)`, () => {
      let onDisk = '';
      try {
        onDisk = readFileSync(join(root, path), 'utf8');
      } catch {
        // missing: reported by the comparison below
      }
      expect(onDisk, `${path} is stale or missing: run npm run generate and commit the result`).toBe(content);
    });
  }
});
