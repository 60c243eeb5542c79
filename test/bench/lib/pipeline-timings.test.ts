import { describe, expect, it } from 'vitest';
import { benchDag, type BenchStage } from './pipeline-dag.js';
import { runTiming, stageReady, stageTiming, type RunMarks } from './pipeline-timings.js';

const chain: BenchStage[] = [
  { name: 'a', dependsOn: [] },
  { name: 'b', dependsOn: [] },
  { name: 'c', dependsOn: ['a', 'b'] },
];

const marks = (): RunMarks => ({
  running: 1000,
  succeeded: 9000,
  stages: {
    a: { handed: 1010, taken: 1500, started: 1600, ended: 1800, written: 2900 },
    b: { started: 1200, ended: 1400, written: 3100 },
    c: { handed: 3150, taken: 4000, started: 4100, ended: 4300, written: 8000 },
  },
});

describe('stageReady', () => {
  const cases: { why: string; stage: BenchStage; run: RunMarks; want: number | undefined }[] = [
    { why: 'a root stage: the run start', stage: chain[0] as BenchStage, run: marks(), want: 1000 },
    {
      why: 'a join: the last of its dependencies written',
      stage: chain[2] as BenchStage,
      run: marks(),
      want: 3100,
    },
    {
      why: 'a dependency never written: not known',
      stage: chain[2] as BenchStage,
      run: { ...marks(), stages: { a: { written: 2900 } } },
      want: undefined,
    },
    {
      why: 'a root stage of a run whose start was not seen: not known',
      stage: chain[0] as BenchStage,
      run: { stages: {} },
      want: undefined,
    },
  ];
  it.each(cases)('$why', ({ stage, run, want }) => {
    expect(stageReady(stage, run)).toBe(want);
  });
});

describe('stageTiming', () => {
  it('takes ready → started, ended → written, the own time, and the parts of the start', () => {
    expect(stageTiming(chain[2] as BenchStage, marks())).toEqual({
      name: 'c',
      startMs: 1000,
      endMs: 3700,
      ownMs: 200,
      turnMs: 4900,
      handMs: 50,
      takeMs: 850,
      launchMs: 100,
    });
  });

  it('leaves the parts out when the hand-over was not seen', () => {
    const t = stageTiming(chain[1] as BenchStage, marks());
    expect(t).toEqual({ name: 'b', startMs: 200, endMs: 1700, ownMs: 200, turnMs: 2100 });
  });

  it('is undefined while a moment it needs is missing', () => {
    const run = marks();
    run.stages.a = { started: 1600, ended: 1800 };
    expect(stageTiming(chain[0] as BenchStage, run)).toBeUndefined();
  });
});

describe('runTiming', () => {
  it("sets the wall time against the sum of the own times and the graph's longest path", () => {
    const t = runTiming(chain, marks());
    expect(t).toMatchObject({ wallMs: 8000, ownSumMs: 600, criticalMs: 400 });
    expect(t?.stages.map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('counts only the stages seen whole', () => {
    const run = marks();
    delete run.stages.b;
    const t = runTiming(chain, run);
    expect(t?.ownSumMs).toBe(200);
    // c's readiness needs b: not known either
    expect(t?.stages.map((s) => s.name)).toEqual(['a']);
  });

  it('is undefined when the run was not seen to start or to succeed', () => {
    expect(runTiming(benchDag(3), { stages: {} })).toBeUndefined();
    expect(runTiming(chain, { ...marks(), succeeded: undefined })).toBeUndefined();
  });
});
