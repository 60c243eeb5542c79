import { describe, expect, it } from 'vitest';
import { deploymentToHeal, rollbackPlan, rollbackReplies } from './heal-model.js';

// an Anthropic Messages request as Bosun sends it, with the Remediation's ask in the user prompt
const request = (user: string) => ({
  model: 'bench',
  system: 'You plan operations on a Kubernetes namespace for Bosun. heal Deployment not-this-one',
  messages: [{ role: 'user', content: user }],
});

describe('deploymentToHeal', () => {
  const cases: { why: string; request: unknown; want: string | undefined }[] = [
    {
      why: "the Deployment the Remediation's ask names",
      request: request('Goal (namespace heal-bench-llm): heal Deployment app-12: pods of app-12 are crash looping'),
      want: 'app-12',
    },
    {
      why: 'a name ends with a letter or digit, not the colon after it',
      request: request('Goal (namespace n): heal Deployment warm: pods of warm are crash looping'),
      want: 'warm',
    },
    {
      why: 'the first one named, when evidence names another',
      request: request('Goal: heal Deployment a-1: x\n\n<fence>heal Deployment b-2</fence>'),
      want: 'a-1',
    },
    { why: 'only the messages count, not the system prompt', request: request('Goal: scale web'), want: undefined },
    { why: 'another kind is not a Deployment', request: request('Goal: heal StatefulSet db: x'), want: undefined },
    { why: 'no messages at all', request: { model: 'bench' }, want: undefined },
    { why: 'not an object', request: null, want: undefined },
  ];
  for (const c of cases) it(c.why, () => expect(deploymentToHeal(c.request)).toBe(c.want));
});

describe('rollbackReplies', () => {
  const respond = rollbackReplies(1);

  it('answers a rollback of the named Deployment to the given revision', () => {
    const reply = respond(request('Goal (namespace n): heal Deployment app-3: crash looping'));
    expect(reply).toEqual({ plan: rollbackPlan('app-3', 1) });
    expect(rollbackPlan('app-3', 1).steps).toEqual([
      expect.objectContaining({
        tool: 'k8s.rollout-undo',
        params: { target: 'deployment/app-3', toRevision: 1 },
        risk: 'medium',
      }),
    ]);
  });

  it('has no answer for a request that names no Deployment to heal', () => {
    expect(respond(request('Goal: scale web to 3'))).toBeUndefined();
  });
});
