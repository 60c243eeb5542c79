import { describe, expect, it } from 'vitest';
import { kubernetesTools } from '../../tools/kubernetes/index.js';
import { ToolRegistry } from '../../tools/registry.js';
import { diagnose } from './diagnose.js';
import { deployment, evidence, NOW, oomKilled, pod } from './evidence.testkit.js';
import { healPlan } from './playbooks.js';
import { targetStateOf } from './target-state.js';

describe('targetStateOf', () => {
  it('gives the tools what they need to undo a heal', () => {
    const e = evidence({ workload: deployment({ readyReplicas: 2 }), pods: [pod('web-rs4-a', oomKilled())] });
    const d = healPlan(diagnose(e, NOW), e, { maxMemory: '4Gi' }, { restart: false });
    if (!('plan' in d)) throw new Error(d.escalate);
    const raise = d.plan.steps[0];
    if (!raise) throw new Error('no step');
    expect(new ToolRegistry(kubernetesTools()).undo(raise, targetStateOf(e))).toEqual({
      tool: 'k8s.set-memory',
      params: { target: 'deployment/web', container: 'app', limit: '512Mi', request: '256Mi' },
      description: "set app's memory limit back to 512Mi",
    });
  });

  it('is null when the target is gone', () => {
    expect(targetStateOf(evidence({ workload: null }))).toBeNull();
  });
});
