// Remediations planned by a model (spec.planner: llm), through the official SDK
// against a loopback server that speaks Anthropic's wire format, on the real
// control plane; pods crash-loop by a KWOK stage (registry.bosun.test/crash:1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, useNamespace } from '../support/cluster.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { applyModelProvider } from '../support/model-provider.js';
import { applyRiskPolicy } from '../support/goals.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { applyRemediation, waitRemediation } from '../support/remediations.js';
import { CRASH_IMAGE, applyDeployment, createDeployment, getDeployment } from '../support/workloads.js';

const API_KEY = 'sk-ant-canary-0f4e2d9b7c1a';
// a credential someone pasted into a symptom: it must never reach the model
const PASTED = 'ghp_' + 'Q8kz3N1vX7pL2mR9sT4wY6bC0dF5gH8jK1nM';
const rollback = {
  steps: [
    {
      tool: 'k8s.rollout-undo',
      params: { target: 'deployment/web', toRevision: 1 },
      description: 'roll web back to the revision before the crashing image',
      reasoning: 'the crash loop started with the last rollout',
      risk: 'medium',
    },
  ],
  risk: 'medium',
  reasoning: 'the new image crash-loops; the previous one ran',
};

describe('Remediations planned by a model', { timeout: 240_000 }, () => {
  const ns = useNamespace('heal-llm');
  let fake: FakeProvider;
  let op: RunningOperator;
  const more = () => op.log(40);

  beforeAll(async () => {
    fake = await startFakeProvider('anthropic');
    applyModelProvider(ns(), fake, API_KEY);
    applyRiskPolicy(ns(), 'default', {
      levels: { medium: 'auto' },
      approvers: { users: ['bob'] },
      heal: { verifySeconds: 3 },
    });
    await Promise.all([createDeployment(ns(), 'web'), createDeployment(ns(), 'api')]);
    op = await startOperator({ cp: controlPlane(), identity: 'heal-llm', namespace: ns() });
  });
  afterAll(async () => {
    await op?.stop();
    await fake?.close();
  });

  it("heals with the model's plan, judged like any plan, with the evidence redacted and the cost counted", async () => {
    applyDeployment(ns(), 'web', { image: CRASH_IMAGE });
    fake.script.push({ plan: rollback });
    applyRemediation(ns(), 'web-llm', 'web', {
      planner: 'llm',
      symptoms: [`web restarts since the deploy; token ${PASTED} was in the release notes`],
    });
    const healed = await waitRemediation(ns(), 'web-llm', 'Healed', more);
    expect(healed.status?.heals?.map((h) => h.playbook)).toEqual(['model']);
    expect(healed.status?.plan?.steps[0]).toMatchObject({ tool: 'k8s.rollout-undo', state: 'Succeeded' });
    expect(getDeployment(ns(), 'web').spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    const sent = JSON.stringify(fake.requests);
    expect(sent).toContain('heal Deployment web');
    expect(sent).not.toContain(PASTED);
    expect(sent).not.toContain(API_KEY);
    expect((healed.status as { cost?: { tokens: number } }).cost?.tokens).toBe(200);
  });

  it('a plan that fails its checks is not repaired by guesswork: the Remediation escalates', async () => {
    applyDeployment(ns(), 'api', { image: CRASH_IMAGE });
    const bad = {
      ...rollback,
      steps: [{ ...rollback.steps[0], tool: 'shell.exec', params: { cmd: 'kubectl rollout undo' } }],
    };
    fake.script.push({ plan: bad }, { plan: bad }, { plan: bad }); // asked, and asked twice to repair it
    applyRemediation(ns(), 'api-llm', 'api', { planner: 'llm' });
    const escalated = await waitRemediation(ns(), 'api-llm', 'Escalated', more);
    const ready = escalated.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.message).toMatch(/the model planner could not heal this/);
    expect(ready?.message).toMatch(/shell\.exec/);
    expect(getDeployment(ns(), 'api').spec.template.spec.containers[0]?.image).toBe(CRASH_IMAGE); // nothing ran
  });
});
