// Every sample in config/samples parses with the zod schema of its kind, so the
// schema the operator trusts and the one the API server enforces agree on them.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { API_VERSION, kinds } from './kinds.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'config', 'samples');
const docs = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) =>
    parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map(
      (d) => [f, d.toJS() as { apiVersion: string; kind: string; spec: unknown }] as const,
    ),
  )
  .filter(([, d]) => d.apiVersion === API_VERSION);

describe('samples', () => {
  it('cover every kind', () => {
    expect(new Set(docs.map(([, d]) => d.kind))).toEqual(new Set(kinds.map((k) => k.kind)));
  });
  it.each(docs)('%s parses with its zod spec schema', (_file, doc) => {
    const info = kinds.find((k) => k.kind === doc.kind);
    expect(info).toBeDefined();
    const parsed = info?.spec.safeParse(doc.spec);
    expect(parsed?.error?.issues ?? []).toEqual([]);
  });
});
