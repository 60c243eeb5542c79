// The rule healer: read-only evidence, the Heal agent's diagnosis, and its
// playbooks (src/agents/heal). No model is asked.
import { diagnose } from '../../agents/heal/diagnose.js';
import type { LastChange } from '../../agents/heal/evidence.js';
import { healPlan } from '../../agents/heal/playbooks.js';
import { targetStateOf } from '../../agents/heal/target-state.js';
import type { KubeClient } from '../../kube/client.js';
import type { Redactor } from '../../redact/index.js';
import { gatherHealEvidence } from './evidence.js';
import type { Healer } from './heal.js';

const CHANGERS: readonly string[] = ['Goal', 'PipelineRun', 'Remediation'];

export function ruleHealer(client: KubeClient, opts: { now: () => Date; redactor?: Redactor }): Healer {
  return async (rem, ctx) => {
    const { namespace = '' } = rem.metadata;
    const { kind, name } = rem.spec.targetRef;
    const change = ctx.lastChange;
    const lastChange =
      change && CHANGERS.includes(change.kind)
        ? { kind: change.kind as LastChange['kind'], name: change.name, at: change.at }
        : undefined;
    const evidence = await gatherHealEvidence(client, { namespace, kind, name }, { lastChange });
    const now = opts.now();
    const d = diagnose(evidence, now, { redactor: opts.redactor });
    const diagnosis = { evidence: d.findings, symptom: d.symptom, hypothesis: d.hypothesis };
    const decided = healPlan(
      d,
      evidence,
      { maxMemory: ctx.policy.maxMemory, memoryFactor: ctx.policy.memoryFactor },
      { restart: ctx.tried.includes('restart') },
    );
    if ('escalate' in decided) return { diagnosis, escalate: decided.escalate };
    return { diagnosis, plan: decided.plan, playbook: decided.playbook, target: targetStateOf(evidence) };
  };
}
