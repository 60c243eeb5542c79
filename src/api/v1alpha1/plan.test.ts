import { describe, expect, it } from 'vitest';
import { ApprovalSpec, ApprovalStep } from './approval.js';
import {
  APPROVAL_RUNBOOK_MAX,
  APPROVAL_STEPS_MAX,
  APPROVAL_SUMMARY_MAX,
  approvalSummary,
  planRunbook,
} from './plan.js';

const step = { index: 0, tool: 'k8s.get', risk: 'none' } as const;
const spec = (over: Record<string, unknown>) => ({
  subjectRef: { apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', name: 'g' },
  planHash: 'a'.repeat(64),
  steps: [{ ...step, summary: 's' }],
  risk: 'low',
  approvers: { users: ['alice'], groups: [] },
  requiredApprovals: 1,
  expiresAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe("the Approval's bounds, as the planner checks them", () => {
  it('match the Approval schema', () => {
    expect(ApprovalStep.safeParse({ ...step, summary: 'x'.repeat(APPROVAL_SUMMARY_MAX) }).success).toBe(true);
    expect(ApprovalStep.safeParse({ ...step, summary: 'x'.repeat(APPROVAL_SUMMARY_MAX + 1) }).success).toBe(false);
    expect(ApprovalSpec.safeParse(spec({ runbook: 'x'.repeat(APPROVAL_RUNBOOK_MAX) })).success).toBe(true);
    expect(ApprovalSpec.safeParse(spec({ runbook: 'x'.repeat(APPROVAL_RUNBOOK_MAX + 1) })).success).toBe(false);
    const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ ...step, index: i, summary: 's' }));
    expect(ApprovalSpec.safeParse(spec({ steps: steps(APPROVAL_STEPS_MAX) })).success).toBe(true);
    expect(ApprovalSpec.safeParse(spec({ steps: steps(APPROVAL_STEPS_MAX + 1) })).success).toBe(false);
  });

  it('summarise a step by its description, bounded', () => {
    expect(approvalSummary({ description: 'x'.repeat(600) })).toHaveLength(APPROVAL_SUMMARY_MAX);
  });

  it("write the runbook from the steps, with each tool's undo (never a planner's prose)", () => {
    const undo = { tool: 'k8s.scale', params: {}, description: 'scale back to 2' };
    expect(
      planRunbook('shop', 'web', [
        { description: 'scale web to 3', risk: 'low', when: 'always', undo },
        { description: 'roll back', risk: 'medium', when: 'on-failure' },
      ]),
    ).toBe(
      [
        'Goal shop/web will run these steps in shop:',
        '1. scale web to 3 [low]',
        '2. (only if an earlier step fails) roll back [medium]',
        'To undo: scale back to 2',
      ].join('\n'),
    );
    expect(planRunbook('shop', 'web', [{ description: 'x', risk: 'low', when: 'always' }])).toMatch(
      /To undo: run a Goal that restores the previous state/,
    );
  });

  it('keep the runbook within its bound, whatever the steps', () => {
    const long = Array.from({ length: 50 }, () => ({
      description: 'y'.repeat(512),
      risk: 'low' as const,
      when: 'always' as const,
    }));
    expect(planRunbook('shop', 'web', long)).toHaveLength(APPROVAL_RUNBOOK_MAX);
  });
});
