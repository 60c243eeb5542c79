import { describe, expect, it } from 'vitest';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { Pipeline } from '../../api/v1alpha1/pipeline.js';
import { countRuns, RESUMED_AT } from './counts.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const at = (m: number) => new Date(NOW.getTime() + m * 60_000).toISOString().replace(/\.000Z$/, 'Z');

const pipeline = (o: { status?: Pipeline['status']; generation?: number; resumedAt?: string } = {}) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: {
      name: 'web',
      namespace: 'ci',
      generation: o.generation ?? 1,
      ...(o.resumedAt && { annotations: { [RESUMED_AT]: o.resumedAt } }),
    },
    spec: {
      source: { repo: 'https://git.example/web.git' },
      stages: [{ name: 'test', agent: 'test' }],
      haltAfterFailures: 2,
    },
    ...(o.status && { status: o.status }),
  });

const run = (name: string, phase: string, minute: number, pipelineName = 'web') =>
  ({
    metadata: { name, namespace: 'ci' },
    spec: { pipelineRef: { name: pipelineName } },
    status: { phase, completedAt: at(minute) },
  }) as unknown as PipelineRun;

describe("a Pipeline's run counts", () => {
  it('counts each finished run once, in the order they finished, and names the last', () => {
    const runs = [
      run('r2', 'Succeeded', 2),
      run('r1', 'Failed', 1),
      run('r3', 'Running', 3),
      run('x', 'Failed', 1, 'api'),
    ];
    const first = countRuns(pipeline(), runs, NOW).status;
    expect(first).toMatchObject({ runs: 2, successCount: 1, failureCount: 1, consecutiveFailures: 0 });
    expect(first.lastRun).toMatchObject({ name: 'r2', phase: 'Succeeded' });
    // looking again (a restart, a resync) counts nothing twice
    const again = countRuns(pipeline({ status: first }), runs, NOW).status;
    expect(again).toMatchObject({ runs: 2, successCount: 1, failureCount: 1 });
  });

  it('halts after haltAfterFailures failures in a row, and says how to resume', () => {
    const c = countRuns(pipeline(), [run('r1', 'Failed', 1), run('r2', 'Failed', 2)], NOW);
    expect(c.status.halted).toMatchObject({ since: '2026-03-01T12:00:00Z', generation: 1 });
    expect(c.halted).toMatch(/2 runs failed in a row \(haltAfterFailures: 2\), the last r2/);
    const ready = c.status.conditions?.find((x) => x.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'Halted' });
    expect(ready?.message).toMatch(/kubectl bosun pipeline resume web/);
    // Stalled, so kstatus (Flux, kpt) reads a halted Pipeline as Failed rather than in progress
    const stalled = c.status.conditions?.find((x) => x.type === 'Stalled');
    expect(stalled).toMatchObject({ status: 'True', reason: 'Halted', message: ready?.message, observedGeneration: 1 });
  });

  it('halts at once when a run failed at the security threshold, whatever haltAfterFailures says', () => {
    const insecure = run('r1', 'Failed', 1);
    insecure.status = {
      ...insecure.status,
      stages: [
        { name: 'test', state: 'Succeeded', attempts: 1 },
        { name: 'security', state: 'Failed', attempts: 1, message: 'SecurityThreshold: 1 high at or above high' },
      ],
    };
    const c = countRuns(pipeline(), [insecure], NOW);
    expect(c.status.consecutiveFailures).toBe(1);
    expect(c.halted).toMatch(/^run r1: stage security SecurityThreshold: 1 high/);
    // a run failed by something else halts only after haltAfterFailures of them
    expect(countRuns(pipeline(), [run('r1', 'Failed', 1)], NOW).status.halted).toBeUndefined();
  });

  it('a cancelled run neither fails nor breaks a run of failures; a success does', () => {
    const c = countRuns(pipeline(), [run('r1', 'Failed', 1), run('r2', 'Cancelled', 2)], NOW).status;
    expect(c).toMatchObject({ runs: 2, failureCount: 1, consecutiveFailures: 1 });
    expect(c.halted).toBeUndefined();
    const d = countRuns(pipeline(), [run('r1', 'Failed', 1), run('r2', 'Succeeded', 2), run('r3', 'Failed', 3)], NOW);
    expect(d.status.consecutiveFailures).toBe(1);
  });

  it('is resumed by the resume annotation set after the halt, or by a spec change; not by an older annotation', () => {
    const halted = countRuns(pipeline(), [run('r1', 'Failed', 1), run('r2', 'Failed', 2)], NOW).status;
    const runs = [run('r1', 'Failed', 1), run('r2', 'Failed', 2)];
    expect(countRuns(pipeline({ status: halted, resumedAt: at(-5) }), runs, NOW).status.halted).toBeDefined();
    const byHand = countRuns(pipeline({ status: halted, resumedAt: at(5) }), runs, NOW);
    expect(byHand.status).toMatchObject({ halted: undefined, consecutiveFailures: 0 });
    expect(byHand.resumed).toBe(`resumed at ${at(5)}`);
    const bySpec = countRuns(pipeline({ status: halted, generation: 2 }), runs, NOW);
    expect(bySpec.resumed).toBe('its spec changed');
    expect(bySpec.status.conditions?.find((x) => x.type === 'Halted')).toBeUndefined();
    expect(bySpec.status.conditions?.map((x) => [x.type, x.status, x.observedGeneration])).toEqual([
      ['Ready', 'True', 2],
    ]);
  });
});
