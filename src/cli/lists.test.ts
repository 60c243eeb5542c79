import { describe, expect, it } from 'vitest';
import { goalTable, remediationTable, type GoalRow } from './lists.js';
import type { RemediationView } from './remediation.js';
import { age, table } from './table.js';

const now = new Date('2026-03-01T12:00:00Z');

const rem = (name: string, namespace: string, over: Partial<NonNullable<RemediationView['status']>> = {}) =>
  ({
    metadata: { name, namespace, creationTimestamp: '2026-03-01T11:55:00Z' },
    spec: {
      issue: { source: 'manual', fingerprint: name, summary: 's' },
      targetRef: { kind: 'Deployment', name: 'cache' },
    },
    status: { phase: 'Healed', occurrences: 2, ...over },
  }) satisfies RemediationView;

describe('kubectl bosun list goals|remediations', () => {
  it('shows each Remediation with its phase, target, source, occurrences and age', () => {
    expect(remediationTable([rem('cache-oom', 'demo')], now, false).split('\n')).toEqual([
      'NAME        PHASE    TARGET             SOURCE   OCCURRENCES   AGE',
      'cache-oom   Healed   deployment/cache   manual   2             5m',
    ]);
  });

  it('puts the namespace first when the list spans namespaces, and Pending where no status is yet', () => {
    const fresh: RemediationView = { ...rem('new', 'shop'), status: undefined };
    const lines = remediationTable([rem('cache-oom', 'demo'), fresh], now, true).split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+PHASE/);
    expect(lines[2]).toMatch(/^shop\s+new\s+Pending\s+deployment\/cache\s+manual\s+-\s+5m$/);
  });

  it('shows each Goal with its phase, intent, target, risk, progress and age', () => {
    const goals: GoalRow[] = [
      {
        metadata: { name: 'scale-web', namespace: 'demo', creationTimestamp: '2026-02-28T12:00:00Z' },
        spec: { intent: { type: 'scale', target: 'deployment/web' } },
        status: { phase: 'Succeeded', risk: 'low', progress: '2/2' },
      },
      { metadata: { name: 'why', namespace: 'demo' }, spec: { goal: 'web is slow' } },
    ];
    expect(goalTable(goals, now, false).split('\n')).toEqual([
      'NAME        PHASE       INTENT      TARGET           RISK   PROGRESS   AGE',
      'scale-web   Succeeded   scale       deployment/web   low    2/2        24h',
      'why         Pending     free text   -                -      -          <unknown>',
    ]);
  });
});

describe('table and age', () => {
  it('puts cluster text on one line with no escape, so a cell cannot pass for a row', () => {
    expect(
      table([
        ['A', 'B'],
        ['x\n  y\x1b[2K', 'z'],
      ]),
    ).toBe('A     B\nx y   z');
  });

  it.each([
    ['2026-03-01T11:59:15Z', '45s'],
    ['2026-03-01T11:50:00Z', '10m'],
    ['2026-03-01T07:00:00Z', '5h'],
    ['2026-02-20T12:00:00Z', '9d'],
    ['2026-03-01T12:00:30Z', '0s'], // a clock ahead of ours: not negative
    ['not a time', '<unknown>'],
  ])('age of %s is %s, as kubectl says it', (at, want) => {
    expect(age(at, now)).toBe(want);
  });
});
