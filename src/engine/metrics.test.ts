import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../api/v1alpha1/common.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { createMetrics } from '../telemetry/metrics.js';
import { pendingApprovals, phaseCounts, phaseEntered, planMetrics, stepResults } from './metrics.js';
import type { PlanStatus } from './subject.js';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);
const step = (tool: string, state: PlanStep['state'], attempt = 1): PlanStep => ({
  tool,
  when: 'always',
  params: {},
  description: '',
  risk: 'low',
  state,
  attempt,
});
const status = (planHash: string, steps: PlanStep[], phase = 'Executing'): PlanStatus => ({
  phase,
  planHash,
  mode: 'auto',
  plan: { hash: planHash, risk: 'low', reasoning: '', steps },
});

describe('stepResults', () => {
  it('counts a step once, when it ends or goes back to retry', () => {
    const running = status(H1, [step('k8s.scale', 'Running'), step('k8s.rollout-restart', 'Pending', 0)]);
    const first = status(H1, [step('k8s.scale', 'Succeeded'), step('k8s.rollout-restart', 'Pending', 0)]);
    expect(stepResults(running, first)).toEqual([{ tool: 'k8s.scale', result: 'Succeeded' }]);
    // the same status written again (a resync, another field) counts nothing
    expect(stepResults(first, { ...first, progress: '1/2' })).toEqual([]);
    const retry = status(H1, [step('k8s.scale', 'Succeeded'), step('k8s.rollout-restart', 'Pending', 2)]);
    expect(stepResults(first, retry)).toEqual([{ tool: 'k8s.rollout-restart', result: 'Retrying' }]);
    const failed = status(H1, [step('k8s.scale', 'Succeeded'), step('k8s.rollout-restart', 'Failed', 3)]);
    expect(stepResults(retry, failed)).toEqual([{ tool: 'k8s.rollout-restart', result: 'Failed' }]);
  });

  it("does not compare a new plan's steps with the old plan's", () => {
    const old = status(H1, [step('k8s.scale', 'Succeeded')]);
    expect(stepResults(old, status(H2, [step('k8s.scale', 'Succeeded')]))).toEqual([
      { tool: 'k8s.scale', result: 'Succeeded' },
    ]);
    expect(stepResults({}, status(H2, [step('k8s.scale', 'Pending', 0)]))).toEqual([]);
  });
});

describe('phaseEntered', () => {
  it('is the new phase only when the phase changed', () => {
    expect(phaseEntered({ phase: 'Verifying' }, { phase: 'Healed' })).toBe('Healed');
    expect(phaseEntered({ phase: 'Healed' }, { phase: 'Healed' })).toBeUndefined();
    expect(phaseEntered({}, {})).toBeUndefined();
  });
});

const obj = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: { name, namespace: 'demo', creationTimestamp: '2026-03-01T10:00:00Z' },
  ...extra,
});

describe('phaseCounts', () => {
  it('counts objects by phase, those with no status as None', () => {
    const counts = phaseCounts([
      obj('a', { status: { phase: 'Healed' } }),
      obj('b', { status: { phase: 'Escalated' } }),
      obj('c', { status: { phase: 'Healed' } }),
      obj('d'),
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { phase: 'Healed', count: 2 },
        { phase: 'Escalated', count: 1 },
        { phase: 'None', count: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });
});

describe('pendingApprovals', () => {
  const approval = (name: string, state?: string, extra: Record<string, unknown> = {}) =>
    obj(name, { spec: { expiresAt: '2026-03-01T11:00:00Z' }, ...(state && { status: { state } }), ...extra });
  const now = new Date('2026-03-01T10:40:00Z');

  it('lists the Approvals still waiting, with how long they waited and their TTL', () => {
    const list = pendingApprovals(
      [
        approval('new'),
        approval('pending', 'Pending'),
        approval('approved', 'Approved'),
        approval('denied', 'Denied'),
        approval('expired', 'Expired'),
        approval('superseded', 'Superseded'),
      ],
      now,
    );
    expect(list).toEqual([
      { namespace: 'demo', name: 'new', waitingSeconds: 2400, ttlSeconds: 3600 },
      { namespace: 'demo', name: 'pending', waitingSeconds: 2400, ttlSeconds: 3600 },
    ]);
  });

  it('keeps one past its expiry that nobody marked Expired yet (it still waits), and skips what it cannot read', () => {
    const late = new Date('2026-03-01T12:00:00Z');
    const deleting = approval('deleting', 'Pending');
    deleting.metadata.deletionTimestamp = '2026-03-01T10:30:00Z';
    const list = pendingApprovals(
      [approval('late', 'Pending'), deleting, obj('no-spec'), approval('bad', 'Pending', { spec: { expiresAt: 'x' } })],
      late,
    );
    expect(list).toEqual([{ namespace: 'demo', name: 'late', waitingSeconds: 7200, ttlSeconds: 3600 }]);
  });
});

describe('planMetrics', () => {
  it('counts step results and phases entered under the kind', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const observe = planMetrics(metrics);
    const before = status(H1, [step('k8s.scale', 'Running')]);
    observe('Goal', before, status(H1, [step('k8s.scale', 'Succeeded')], 'Succeeded'));
    observe('Goal', before, status(H1, [step('k8s.scale', 'Succeeded')], 'Succeeded'));
    const steps = await metrics.planSteps.get();
    expect(steps.values).toEqual([
      { labels: { kind: 'Goal', tool: 'k8s.scale', mode: 'auto', result: 'Succeeded' }, value: 2 },
    ]);
    const phases = await metrics.phaseTransitions.get();
    expect(phases.values).toEqual([{ labels: { kind: 'Goal', phase: 'Succeeded' }, value: 2 }]);
  });
});
