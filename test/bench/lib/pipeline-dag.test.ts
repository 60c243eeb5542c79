import { describe, expect, it } from 'vitest';
import { BENCH_DAG_WIDTH, benchDag, criticalPath } from './pipeline-dag.js';

describe('benchDag', () => {
  it('makes one block of ten: a root, a fan of four, a join, a chain of two beside one stage, a join', () => {
    expect(benchDag(10)).toEqual([
      { name: 's0', dependsOn: [] },
      { name: 's1', dependsOn: ['s0'] },
      { name: 's2', dependsOn: ['s0'] },
      { name: 's3', dependsOn: ['s0'] },
      { name: 's4', dependsOn: ['s0'] },
      { name: 's5', dependsOn: ['s1', 's2', 's3', 's4'] },
      { name: 's6', dependsOn: ['s5'] },
      { name: 's7', dependsOn: ['s6'] },
      { name: 's8', dependsOn: ['s5'] },
      { name: 's9', dependsOn: ['s7', 's8'] },
    ]);
  });

  it('starts a second block after the first one ends', () => {
    const dag = benchDag(13);
    expect(dag[10]).toEqual({ name: 's10', dependsOn: ['s9'] });
    expect(dag[12]).toEqual({ name: 's12', dependsOn: ['s10'] });
  });

  const valid = [1, 3, 7, 10, 14, 20];
  it.each(valid)('%i stages: each depends only on earlier ones, and no more run at once than the width', (n) => {
    const dag = benchDag(n);
    expect(dag).toHaveLength(n);
    const seen = new Set<string>();
    for (const s of dag) {
      for (const d of s.dependsOn) expect(seen.has(d)).toBe(true);
      seen.add(s.name);
    }
    const children = (name: string) => dag.filter((s) => s.dependsOn.includes(name)).length;
    expect(Math.max(...dag.map((s) => children(s.name)))).toBeLessThanOrEqual(BENCH_DAG_WIDTH);
  });
});

describe('criticalPath', () => {
  const cases: { why: string; weights: Record<string, number>; want: number }[] = [
    { why: 'every stage the same: six on the longest path', weights: {}, want: 6 },
    { why: 'a slow stage of the fan sets the pace', weights: { s3: 10 }, want: 15 },
    { why: 'the single stage beside the chain can be the longer way', weights: { s8: 5 }, want: 9 },
  ];
  it.each(cases)('$why', ({ weights, want }) => {
    expect(criticalPath(benchDag(10), (name) => weights[name] ?? 1)).toBe(want);
  });

  it('is 0 for no stages', () => {
    expect(criticalPath([], () => 1)).toBe(0);
  });
});
