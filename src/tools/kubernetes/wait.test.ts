import { describe, expect, it } from 'vitest';
import { rolloutState } from './wait.js';

const w = (generation: number, status: Record<string, unknown>, replicas = 2) => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status,
});
const deadline = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'ReplicaSet "web-1" has timed out progressing.',
};

describe('rolloutState (kubectl rollout status, as a pure check)', () => {
  it.each([
    {
      why: 'every replica updated and available',
      obj: w(2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      done: true,
      failed: false,
    },
    {
      why: 'new pods not yet available',
      obj: w(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2 }),
      done: false,
      failed: false,
    },
    {
      why: 'the progress deadline passed',
      obj: w(2, { observedGeneration: 2, conditions: [deadline] }),
      done: false,
      failed: true,
    },
    {
      why: 'a stale deadline from the previous rollout, before the controller saw the new spec',
      obj: w(3, {
        observedGeneration: 2,
        conditions: [deadline],
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
      }),
      done: false,
      failed: false,
    },
    {
      why: 'old pods still terminating',
      obj: w(1, { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      done: false,
      failed: false,
    },
  ])('$why', ({ obj, done, failed }) => {
    const s = rolloutState(obj);
    expect(s.done).toBe(done);
    expect(Boolean(s.failed)).toBe(failed);
  });
});
