// Every phase of every kind, as Bosun's own status functions write it, read by kstatus itself
// (sigs.k8s.io/cli-utils, test/kstatus): running and waiting are InProgress, done is Current, and a
// terminal failure is Failed, so Flux and kpt wait for a Goal and report its failure.
import { beforeAll, describe, expect, it } from 'vitest';
import { allFixtures, fixtureName } from './fixtures/index.js';
import { KSTATUS, readAll, toolPath, type Reading } from './tools.js';

const fixtures = await allFixtures();

describe('kstatus', () => {
  let readings: Map<string, Reading>;
  beforeAll(() => {
    const bin = toolPath(KSTATUS);
    const out = readAll(
      bin,
      [],
      fixtures.map((f) => ({ ...f.object, metadata: { ...f.object.metadata, name: fixtureName(f) } })),
    );
    readings = new Map(out.map((r) => [r.name, r]));
  });

  it.each(fixtures.map((f) => [`${fixtureName(f)} (${f.phase || 'no status'})`, f] as const))(
    'reads %s as the fixture says',
    (_name, f) => {
      expect(readings.get(fixtureName(f))?.status).toBe(f.kstatus);
    },
  );

  it('gives the Stalled condition’s message for a failure, and the Reconciling one’s while in progress', () => {
    for (const f of fixtures.filter((x) => x.object.status && x.kstatus !== 'Current')) {
      const conditions = (f.object.status as { conditions?: { type: string; status: string; message: string }[] })
        .conditions;
      const deciding = conditions?.find((c) => c.type === (f.kstatus === 'Failed' ? 'Stalled' : 'Reconciling'));
      if (deciding?.status === 'True')
        expect(readings.get(fixtureName(f))?.message, fixtureName(f)).toBe(deciding.message);
    }
  });

  it('is the real reader: Ready=False alone is InProgress, and an object with no status is Current', () => {
    const bin = toolPath(KSTATUS);
    const object = (name: string, status?: unknown) => ({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Goal',
      metadata: { name, generation: 1 },
      ...(status !== undefined && { status }),
    });
    const ready = (s: string) => ({
      observedGeneration: 1,
      conditions: [{ type: 'Ready', status: s, reason: 'R', message: 'm' }],
    });
    expect(
      readAll(bin, [], [object('a', ready('False')), object('b'), object('c', ready('True'))]).map((r) => r.status),
    ).toEqual(['InProgress', 'Current', 'Current']);
  });
});
