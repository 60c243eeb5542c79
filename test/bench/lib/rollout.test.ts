import { describe, expect, it } from 'vitest';
import { rolledOut, type DeploymentView } from './rollout.js';

const done: DeploymentView = {
  metadata: { generation: 3 },
  spec: { replicas: 2 },
  status: { observedGeneration: 3, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
};
const with_ = (status: DeploymentView['status']): DeploymentView => ({
  ...done,
  status: { ...done.status, ...status },
});

describe('rolledOut', () => {
  const cases: { why: string; d: DeploymentView; want: boolean }[] = [
    { why: 'every replica updated and available', d: done, want: true },
    { why: 'the controller has not seen the latest spec', d: with_({ observedGeneration: 2 }), want: false },
    { why: 'not every replica runs the latest template', d: with_({ updatedReplicas: 1 }), want: false },
    { why: 'an old replica is left', d: with_({ replicas: 3 }), want: false },
    { why: 'a new replica is not available', d: with_({ availableReplicas: 1 }), want: false },
    { why: 'no status yet', d: { ...done, status: undefined }, want: false },
  ];
  for (const c of cases) it(c.why, () => expect(rolledOut(c.d)).toBe(c.want));
});
