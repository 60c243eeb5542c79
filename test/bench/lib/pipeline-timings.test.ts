import { describe, expect, it } from 'vitest';
import { benchDag, type BenchStage } from './pipeline-dag.js';
import { runTiming, runsSpan, stageReady, stageTiming, type RunMarks } from './pipeline-timings.js';

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

describe('an operator stage, and the run created', () => {
  const withReport: BenchStage[] = [...chain, { name: 'r', dependsOn: ['a', 'b', 'c'], inOperator: true }];

  it("takes an operator stage's turn apart from the commands, and the run's start from its creation", () => {
    const run = { ...marks(), created: 400 };
    run.stages.r = { written: 8900 };
    const t = runTiming(withReport, run);
    expect(t?.operatorStages).toEqual([{ name: 'r', turnMs: 900 }]);
    expect(t?.stages.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    // no command: it adds nothing to the longest path
    expect(t).toMatchObject({ startMs: 600, criticalMs: 400 });
  });

  it('leaves out what was not seen', () => {
    const t = runTiming(withReport, marks());
    expect(t?.operatorStages).toEqual([]);
    expect(t).not.toHaveProperty('startMs');
  });
});

describe('runsSpan', () => {
  it('runs from the first creation to the last success, over the runs that have each', () => {
    expect(
      runsSpan([
        { created: 100, succeeded: 900, stages: {} },
        { created: 50, stages: {} },
      ]),
    ).toBe(850);
    expect(runsSpan([{ stages: {} }])).toBeUndefined();
  });
});
