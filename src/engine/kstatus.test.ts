import { describe, expect, it } from 'vitest';
import type { Condition } from '../api/v1alpha1/common.js';
import {
  markAwaitingApproval,
  markFailed,
  markReady,
  markRunning,
  markSettled,
  markStalled,
  markSucceeded,
  markWaiting,
} from './kstatus.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');
const brief = (c: readonly Condition[]) => c.map((x) => [x.type, x.status, x.reason]);

describe('the kstatus conditions', () => {
  it('running: Reconciling and not Ready, Succeeded Unknown, no Stalled left from before', () => {
    const stalled = markStalled(undefined, 'TargetNotFound', 'no web', t0, 1);
    expect(brief(markRunning(stalled, 'step 1/2', t1, 2))).toEqual([
      ['Ready', 'False', 'Executing'],
      ['Reconciling', 'True', 'Executing'],
      ['Succeeded', 'Unknown', 'Executing'],
    ]);
  });

  it('waiting for an Approval: Reconciling and Ready say AwaitingApproval, Succeeded is left as it was', () => {
    const done = markSucceeded(undefined, 'Succeeded', 'all done', t0, 1);
    const held = markAwaitingApproval(done, 'waiting for Approval a', t1, 2);
    expect(brief(held)).toEqual([
      ['Ready', 'False', 'AwaitingApproval'],
      ['Succeeded', 'True', 'Succeeded'],
      ['Reconciling', 'True', 'AwaitingApproval'],
    ]);
    expect(held.every((c) => c.observedGeneration === (c.type === 'Succeeded' ? 1 : 2))).toBe(true);
  });

  it('succeeded: Ready and Succeeded, neither Reconciling nor Stalled', () => {
    const running = markRunning(markStalled(undefined, 'X', 'x', t0), 'step', t0, 1);
    expect(brief(markSucceeded(running, 'Succeeded', 'all 2 step(s) succeeded', t1, 1))).toEqual([
      ['Ready', 'True', 'Succeeded'],
      ['Succeeded', 'True', 'Succeeded'],
    ]);
  });

  it('failed: Stalled with the reason and message, not Ready, not Succeeded, no Reconciling', () => {
    const failed = markFailed(markRunning(undefined, 'step', t0, 1), 'StepFailed', 'step 1 failed: x', t1, 1);
    expect(brief(failed)).toEqual([
      ['Ready', 'False', 'StepFailed'],
      ['Succeeded', 'False', 'StepFailed'],
      ['Stalled', 'True', 'StepFailed'],
    ]);
    expect(failed.find((c) => c.type === 'Stalled')).toMatchObject({
      message: 'step 1 failed: x',
      lastTransitionTime: '2026-01-01T00:05:00Z',
      observedGeneration: 1,
    });
  });

  it('waiting and ready touch only their own conditions', () => {
    expect(brief(markWaiting(undefined, 'Queued', 'behind run a', t0, 3))).toEqual([
      ['Reconciling', 'True', 'Queued'],
      ['Ready', 'False', 'Queued'],
    ]);
    expect(brief(markReady(markWaiting(undefined, 'Queued', 'q', t0), 'Approved', 'by bob', t1))).toEqual([
      ['Ready', 'True', 'Approved'],
    ]);
  });

  it('settled: none of Ready, Reconciling and Stalled, and its own condition True', () => {
    const pending = markWaiting(undefined, 'AwaitingApproval', 'm', t0, 1);
    expect(brief(markSettled(pending, 'Superseded', 'Superseded', 'the plan changed', t1, 1))).toEqual([
      ['Superseded', 'True', 'Superseded'],
    ]);
  });

  it('is a fixed point: the same state later changes nothing, transition times included', () => {
    const first = markFailed(undefined, 'Denied', 'denied: rule', t0, 1);
    expect(markFailed(first, 'Denied', 'denied: rule', t1, 1)).toEqual(first);
    const running = markRunning(undefined, 'step 1/2', t0, 1);
    expect(markRunning(running, 'step 1/2', t1, 1)).toEqual(running);
  });
});
