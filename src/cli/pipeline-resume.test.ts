import { describe, expect, it } from 'vitest';
import { Pipeline } from '../api/v1alpha1/pipeline.js';
import { RESUMED_AT as CONTROLLER_RESUMED_AT } from '../controllers/pipeline/counts.js';
import { RESUMED_AT, resumeOf } from './pipeline-resume.js';

const now = new Date('2026-03-01T12:00:00.789Z');
const pipeline = (status?: Record<string, unknown>) =>
  Pipeline.parse({
    apiVersion: 'bosun.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { source: { repo: 'https://example.com/web.git' }, stages: [{ name: 'test', agent: 'test' }] },
    status,
  });
const halted = (since: string) =>
  pipeline({ halted: { since, generation: 1, message: '3 failed runs in a row' }, consecutiveFailures: 3 });

describe('kubectl bosun pipeline resume', () => {
  it('uses the annotation the Pipeline controller reads', () => {
    expect(RESUMED_AT).toBe(CONTROLLER_RESUMED_AT);
  });

  it('sets the annotation to now, in RFC 3339 seconds, on a halted Pipeline', () => {
    const r = resumeOf(halted('2026-03-01T11:00:00Z'), now);
    expect(r.kind).toBe('resume');
    if (r.kind !== 'resume') return;
    expect(r.patch).toEqual({ metadata: { annotations: { 'bosun.dev/resumed-at': '2026-03-01T12:00:00Z' } } });
    expect(r.message).toMatch(/^resumed pipeline demo\/web: set bosun.dev\/resumed-at=2026-03-01T12:00:00Z/);
    expect(r.message).toContain('halted since 2026-03-01T11:00:00Z: 3 failed runs in a row');
  });

  it('changes nothing on a Pipeline that is not halted', () => {
    const r = resumeOf(pipeline({ consecutiveFailures: 1 }), now);
    expect(r).toEqual({
      kind: 'not-halted',
      message: 'pipeline demo/web is not halted: nothing to resume, nothing changed',
    });
    expect(resumeOf(pipeline(), now).kind).toBe('not-halted');
  });

  it('warns when this clock is not after the halt (the operator would not lift it)', () => {
    const r = resumeOf(halted('2026-03-01T12:00:00Z'), now);
    expect(r.message).toMatch(/check the clock/);
  });
});
