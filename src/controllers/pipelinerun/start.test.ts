import { describe, expect, it } from 'vitest';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { endedStatus, queuedStatus } from './start.js';

const t0 = new Date('2026-03-01T12:00:00Z');
const run = (generation = 1): PipelineRun =>
  ({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'PipelineRun',
    metadata: { name: 'web-2', namespace: 'demo', generation },
    spec: { pipelineRef: { name: 'web' }, revision: 'b7907d8', mode: 'auto' },
  }) as PipelineRun;

describe('the statuses of a run before it starts', () => {
  it('queued: in progress (Reconciling, reason Queued), naming the run ahead', () => {
    const s = queuedStatus(run(), 'web-1', t0);
    expect(s).toMatchObject({ phase: 'Queued', observedGeneration: 1 });
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Reconciling', 'True', 'Queued'],
      ['Ready', 'False', 'Queued'],
    ]);
    expect(s.conditions?.[0]?.message).toBe('waiting for run web-1 to finish (Pipeline concurrencyPolicy: Queue)');
  });

  it('refused or cancelled: Stalled with the reason, observing the generation that cancelled it', () => {
    const queued = { ...run(2), status: queuedStatus(run(), 'web-1', t0) };
    const s = endedStatus(queued, 'Cancelled', 'RunCancelled', 'cancelled before it started', t0);
    expect(s).toMatchObject({ phase: 'Cancelled', observedGeneration: 2, completedAt: '2026-03-01T12:00:00Z' });
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'RunCancelled'],
      ['Stalled', 'True', 'RunCancelled'],
      ['Succeeded', 'False', 'RunCancelled'],
    ]);
  });
});
