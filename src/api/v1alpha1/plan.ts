// ExecutionPlan: what a planner (rules or a model) proposes. Parsed by this
// schema wherever it comes from; anything that does not fit is rejected.
import { z } from 'zod';
import { RiskLevel, StepWhen } from './common.js';

export const ExecutionStep = z.object({
  tool: z.string().min(1).max(63),
  params: z.record(z.string(), z.unknown()),
  description: z.string().min(1).max(1024),
  reasoning: z.string().max(2048).optional(),
  risk: RiskLevel,
  when: StepWhen.default('always'),
});
export type ExecutionStep = z.infer<typeof ExecutionStep>;

export const ExecutionPlan = z.object({
  steps: z.array(ExecutionStep).max(50),
  risk: RiskLevel,
  reasoning: z.string().max(4096),
});
export type ExecutionPlan = z.infer<typeof ExecutionPlan>;
