import { describe, expect, it } from 'vitest';
import { allFixtures, fixtureName, PHASES, UNWRITTEN } from './fixtures/index.js';

const fixtures = await allFixtures();

describe('the phase fixtures', () => {
  it.each(Object.entries(PHASES))('cover every phase %s has, or say why Bosun never writes it', (kind, phases) => {
    const shown = new Set(fixtures.filter((f) => f.kind === kind).map((f) => f.phase));
    for (const phase of phases)
      expect(shown.has(phase) || `${kind}/${phase}` in UNWRITTEN, `${kind} phase ${phase} has no fixture`).toBe(true);
    for (const key of Object.keys(UNWRITTEN).filter((k) => k.startsWith(`${kind}/`)))
      expect(shown.has(key.slice(kind.length + 1)), `${key} is listed as never written, but has a fixture`).toBe(false);
  });

  it('show each kind before Bosun wrote anything, and have unique names', () => {
    for (const kind of Object.keys(PHASES))
      expect(fixtures.some((f) => f.kind === kind && f.file === 'no-status' && !('status' in f.object))).toBe(true);
    const names = fixtures.map(fixtureName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('read each kind the same way for the same phase (a phase means one thing to GitOps tools)', () => {
    const seen = new Map<string, string>();
    for (const f of fixtures.filter((x) => x.phase && !x.file.endsWith('spec-changed'))) {
      const key = `${f.kind}/${f.phase}`;
      expect(seen.get(key) ?? f.kstatus, `${key} (${f.file})`).toBe(f.kstatus);
      seen.set(key, f.kstatus);
    }
  });
});
