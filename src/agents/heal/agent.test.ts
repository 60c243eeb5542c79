import { describe, expect, it } from 'vitest';
import type { Remediation } from '../../api/v1alpha1/remediation.js';
import { builtInPolicy } from '../../policy/decision.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { PlanInput } from '../agent.js';
import { HealAgent, type HealFacts } from './agent.js';
import { diagnose } from './diagnose.js';
import type { HealEvidence } from './evidence.js';
import { deployment, evidence, NOW, oomKilled, pod } from './evidence.testkit.js';

const agent = new HealAgent();
const rem = { metadata: { name: 'web-oom', namespace: 'shop' } } as Remediation;

const input = (e: HealEvidence, tried: string[] = []): PlanInput<Remediation, HealFacts> => ({
  subject: rem,
  facts: { evidence: e, diagnosis: diagnose(e, NOW), tried, limits: { maxMemory: '4Gi' } },
  policy: builtInPolicy,
  registry: new ToolRegistry(agent.tools()),
  gate: { allowChanges: true, denylist: [] },
  now: NOW,
});

describe('the Heal agent', () => {
  it('proposes the playbook that fits the diagnosis, and names it', async () => {
    const e = evidence({
      workload: deployment({ readyReplicas: 2, containers: [{ name: 'app', image: 'app:2' }] }),
      pods: [pod('web-rs4-a', oomKilled({ memoryLimit: '512Mi' }))],
    });
    const got = await agent.plan(input(e));
    expect('plan' in got && got.playbook).toBe('raise-memory');
    expect('plan' in got && got.plan.steps.map((s) => s.tool)).toContain('k8s.set-memory');
  });

  it('says why a person must act when no playbook fits, as a NoPlaybook stall', async () => {
    const got = await agent.plan(input(evidence({ workload: null })));
    expect(got).toMatchObject({ stall: { reason: 'NoPlaybook' } });
    expect('stall' in got && got.stall.message).toContain('does not exist');
  });

  it('does not restart twice: a restart already tried escalates', async () => {
    const e = evidence({
      workload: deployment({ readyReplicas: 2, availableReplicas: 2 }),
      pods: [pod('web-rs4-a', { ready: false })],
    });
    const first = await agent.plan(input(e));
    const again = await agent.plan(input(e, ['restart']));
    expect('plan' in first && first.playbook).toBe('restart');
    expect(again).toMatchObject({ stall: { reason: 'NoPlaybook' } });
  });
});
