// Risk scoring as a chain of small pure rules (in the manner of cert-manager's
// policy chains): each looks at one aspect of a step and may raise its risk,
// saying why. The step's risk is the result of the whole chain; a plan's risk
// is the highest step risk.
import type { RiskLevel } from '../api/v1alpha1/common.js';
import { contentRisk } from './content-risk.js';
import type { RiskRule, RiskVerdict, StepRiskInput } from './risk-rule.js';
import { atLeast, maxRisk, raise, rank } from './risk-level.js';

export type { Effect, RiskRule, RiskVerdict, RuleOutcome, StepRiskInput } from './risk-rule.js';

export const baseRisk: RiskRule = (i) => ({
  risk: i.baseRisk,
  reason: i.baseRisk === 'none' ? undefined : `${i.tool} is a ${i.baseRisk}-risk tool`,
});

export const effectRisk: RiskRule = (i, r) => {
  if (i.effect === 'destroy' && rank(r) < rank('high')) return { risk: 'high', reason: `${i.tool} destroys objects` };
  if (i.effect === 'mutate' && rank(r) < rank('low')) return { risk: 'low', reason: `${i.tool} changes the cluster` };
  return { risk: r };
};

export const protectedNamespace: RiskRule = (i, r) => {
  if (i.effect === 'read') return { risk: r };
  if (i.protectedNamespaces.includes(i.namespace))
    return {
      risk: atLeast(r, 'high'),
      reason: `namespace ${i.namespace} is protected by the RiskPolicy (spec.protectedNamespaces)`,
    };
  if (i.namespaceLabelProtected)
    return { risk: atLeast(r, 'high'), reason: `namespace ${i.namespace} is labelled bosun.dev/protected=true` };
  return { risk: r };
};

/** Touching many objects or moving many pods at once raises risk. */
export const blastRadius: RiskRule = (i, r) => {
  if (i.effect === 'read') return { risk: r };
  const pods = Math.abs(i.replicaDelta);
  if (i.objectsTouched > 20 || pods > 20)
    return { risk: raise(r, 2), reason: `large blast radius (${i.objectsTouched} objects, ${pods} pods)` };
  if (i.objectsTouched > 5 || pods > 5)
    return { risk: raise(r), reason: `wide blast radius (${i.objectsTouched} objects, ${pods} pods)` };
  return { risk: r };
};

export const reversibility: RiskRule = (i, r) =>
  i.effect !== 'read' && !i.reversible ? { risk: raise(r), reason: `${i.tool} cannot be undone` } : { risk: r };

export const llmFloor: RiskRule = (i, r) =>
  i.llmFloor && rank(r) < rank(i.llmFloor)
    ? { risk: i.llmFloor, reason: `model-proposed steps are at least ${i.llmFloor} (RiskPolicy llmStepRiskFloor)` }
    : { risk: r };

export const defaultChain: readonly RiskRule[] = [
  baseRisk,
  effectRisk,
  contentRisk,
  protectedNamespace,
  blastRadius,
  reversibility,
  llmFloor,
];

export function scoreStep(input: StepRiskInput, chain: readonly RiskRule[] = defaultChain): RiskVerdict {
  let risk: RiskLevel = 'none';
  const reasons: string[] = [];
  for (const rule of chain) {
    const out = rule(input, risk);
    // a rule may only raise risk (critical is the cap), and says why when it does
    if (rank(out.risk) > rank(risk) || (out.risk === risk && out.reason && rule === baseRisk)) {
      risk = maxRisk(risk, out.risk);
      if (out.reason) reasons.push(out.reason);
      if (out.reasons) reasons.push(...out.reasons);
    }
  }
  return { risk, reasons };
}

export function planRisk(steps: readonly { risk: RiskLevel }[]): RiskLevel {
  return maxRisk('none', ...steps.map((s) => s.risk));
}
