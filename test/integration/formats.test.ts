// The CRD and Bosun's zod schemas agree at the edges of every format: whatever
// the API server stores, Bosun can read, and the other way round. (Webhook off:
// this is the CRD's answer alone.) An object the CRD accepts but zod cannot
// read would leave its Goal stuck.
import { describe, expect, it } from 'vitest';
import { ApprovalSpec } from '../../src/api/v1alpha1/approval.js';
import { Timestamp } from '../../src/api/v1alpha1/common.js';
import { GoalSpec } from '../../src/api/v1alpha1/goal.js';
import { API_VERSION } from '../../src/api/v1alpha1/kinds.js';
import { kubectl, useNamespace } from '../support/cluster.js';

const approval = (spec: Record<string, unknown>) => ({
  subjectRef: { kind: 'Goal', name: 'g' },
  planHash: 'a'.repeat(64),
  steps: [{ index: 0, tool: 'k8s.scale', summary: 's', risk: 'high' }],
  risk: 'high',
  approvers: { users: ['bob'] },
  requiredApprovals: 1,
  expiresAt: '2030-01-01T00:00:00Z',
  ...spec,
});

/** Timestamps at the edges: [value, why, whether both must take it]. */
const timestamps: [string, string, boolean][] = [
  ['2026-01-02T15:04:05Z', 'the form Kubernetes writes', true],
  ['2026-01-02T15:04:05.1Z', 'one fractional digit', true],
  ['2026-01-02T15:04:05.123456789Z', 'nanoseconds', true],
  ['2026-01-02T15:04:05.1234567890Z', 'ten fractional digits', false],
  ['2026-01-02T15:04:05.Z', 'a dot without digits', false],
  ['2026-01-02T15:04:05,5Z', 'a comma fraction', false],
  ['2026-01-02T15:04:05x5Z', 'any character for the dot', false],
  ['2026-01-02t15:04:05Z', "a lower-case 't'", false],
  ['2026-01-02T15:04:05z', "a lower-case 'z'", false],
  ['2026-01-02 15:04:05Z', 'a space for the T', false],
  ['2026-01-02T15:04:05+05:30', 'an offset', true],
  ['2026-01-02T15:04:05-00:00', 'the unknown-offset form', true],
  ['2026-01-02T15:04:05+23:59', 'the largest offset', true],
  ['2026-01-02T15:04:05+24:00', 'an offset of a day', false],
  ['2026-01-02T15:04:05+99:99', 'an offset beyond the clock', false],
  ['2026-01-02T15:04:05+0530', 'an offset without a colon', false],
  ['2026-01-02T15:04:05+05', 'an offset without minutes', false],
  ['2026-01-02T15:04:05', 'no offset', false],
  ['2026-01-02T15:04Z', 'no seconds', false],
  ['2026-01-02T23:59:60Z', 'a leap second', false],
  ['2026-01-02T24:00:00Z', 'hour 24', false],
  ['2026-01-02T15:60:00Z', 'minute 60', false],
  ['2024-02-29T00:00:00Z', 'a leap day', true],
  ['2000-02-29T00:00:00Z', 'a leap day in a year divisible by 400', true],
  ['2100-02-29T00:00:00Z', 'no leap day in a year divisible by 100', false],
  ['2026-02-29T00:00:00Z', 'no leap day in 2026', false],
  ['2026-04-31T00:00:00Z', 'April has 30 days', false],
  ['2026-13-01T00:00:00Z', 'month 13', false],
  ['2026-00-10T00:00:00Z', 'month 0', false],
  ['2026-01-00T00:00:00Z', 'day 0', false],
  ['2026-1-2T15:04:05Z', 'one-digit month and day', false],
  ['0000-01-01T00:00:00Z', 'year 0', true],
  ['9999-12-31T23:59:59Z', 'year 9999', true],
  ['+002026-01-02T15:04:05Z', 'an expanded year', false],
  ['2026-01-02', 'a date alone', false],
  ['', 'empty', false],
];

/** Integers as JSON writes them (Goal spec.budget.maxTokens, zod's z.int().min(0)): [JSON, why, both take it]. */
const integers: [string, string, boolean][] = [
  ['0', 'the least', true],
  ['9007199254740991', 'the largest safe integer', true],
  ['9007199254740992', 'one past it: zod refuses, so the CRD must', false],
  ['9223372036854775807', 'the largest int64', false],
  ['18446744073709551616', 'past int64', false],
  ['-1', 'below the minimum', false],
  ['1.5', 'a fraction', false],
  ['"7"', 'a string', false],
];

describe('formats: the API server and zod agree', () => {
  const ns = useNamespace('formats', { webhook: false, executor: false });
  let counter = 0;
  const apiAccepts = (spec: Record<string, unknown> | string, kind = 'Approval') => {
    const json = typeof spec === 'string' ? spec : JSON.stringify(spec);
    const res = kubectl(['create', '--dry-run=server', '-f', '-'], {
      namespace: ns(),
      input: `{"apiVersion":"${API_VERSION}","kind":"${kind}","metadata":{"name":"o${++counter}"},"spec":${json}}`,
    });
    if (res.code !== 0 && !/Invalid value|spec\./.test(res.stderr)) throw new Error(res.stderr);
    return res.code === 0;
  };

  it.each(timestamps)('timestamp %j (%s): both take it → %s', (value, _why, want) => {
    expect(Timestamp.safeParse(value).success).toBe(want);
    const spec = approval({ expiresAt: value });
    expect(ApprovalSpec.safeParse(spec).success).toBe(want);
    expect(apiAccepts(spec)).toBe(want);
  });

  it.each(integers)('integer %s (%s): both take it → %s', (value, _why, want) => {
    const spec = `{"intent":{"type":"scale","target":"deployment/web","replicas":1},"budget":{"maxTokens":${value}}}`;
    expect(GoalSpec.safeParse(JSON.parse(spec)).success).toBe(want);
    expect(apiAccepts(spec, 'Goal')).toBe(want);
  });
});
