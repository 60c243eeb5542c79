import { describe, expect, it } from 'vitest';
import {
  growthJson,
  growthLines,
  leastSquares,
  projection,
  type GrowthFigures,
  type GrowthRow,
} from './growth-report.js';

const MB = 2 ** 20;
const row = (goals: number, extra: Partial<GrowthRow> = {}): GrowthRow => ({
  goals,
  readyMs: 1000 + goals / 10,
  checkedMs: 2000 + goals / 2,
  heapBytes: 80 * MB + goals * 10 * 1024,
  rssBytes: 200 * MB + goals * 20 * 1024,
  reconciles: goals,
  createMs: goals,
  ...extra,
});
const figures: GrowthFigures = { baseline: row(0), rows: [row(1000), row(10000), row(50000)], projectTo: 200_000 };

describe('leastSquares', () => {
  it('fits a line exactly through points on it, and says NaN when there is no line', () => {
    expect(
      leastSquares([
        { x: 1, y: 3 },
        { x: 2, y: 5 },
        { x: 4, y: 9 },
      ]),
    ).toEqual({ a: 1, b: 2 });
    const noisy = leastSquares([
      { x: 0, y: 0 },
      { x: 1, y: 2 },
      { x: 2, y: 1 },
    ]);
    expect(noisy.b).toBeCloseTo(0.5);
    expect(noisy.a).toBeCloseTo(0.5);
    expect(leastSquares([{ x: 1, y: 1 }]).b).toBeNaN();
  });
});

describe('projection', () => {
  it('projects each measure above the baseline to the size asked', () => {
    const p = projection(figures);
    expect(p.heap.projected).toBeCloseTo(200_000 * 10 * 1024);
    expect(p.rss.b).toBeCloseTo(20 * 1024);
    expect(p.checked.projected).toBeCloseTo(2000 + 100_000);
  });
});

describe('growthLines', () => {
  it('prints a line per size, per Goal above the baseline, then the projection', () => {
    const lines = growthLines(figures);
    expect(lines[1]).toBe('  0 Goals (baseline): ready 1 s, heap 80 MB, RSS 200 MB');
    expect(lines[3]).toMatch(
      new RegExp(
        String.raw`^ {2}10000 Goals: ready 2 s, every Goal checked 7 s \(10000 reconciles\); ` +
          String.raw`heap \+97\.7 MB \(10 KB\/Goal\), RSS \+195\.3 MB \(20 KB\/Goal\)`,
      ),
    );
    expect(lines[5]).toMatch(
      new RegExp(
        String.raw`^ {2}projected at 200000 \(a linear extrapolation, least squares through the 3 sizes\): ` +
          String.raw`heap \+1953\.1 MB, RSS \+3906\.3 MB`,
      ),
    );
  });
  it('projects nothing from one size', () => {
    expect(growthLines({ ...figures, rows: [row(1000)] }).some((l) => l.includes('projected'))).toBe(false);
  });
});

describe('growthJson', () => {
  it('has snake_case keys per size and for the projection', () => {
    expect(growthJson(figures)).toMatchObject({
      growth_1000_heap_kb_per_goal: 10,
      growth_50000_rss_kb_per_goal: 20,
      growth_projected_200000_heap_mb: 1953.1,
      growth_projected_200000_checked_ms: 102000,
    });
  });
});
