// What the heal bench's model answers: for each Remediation Bosun asks it to
// plan, the rollback a good model would propose (the crash loop began with the
// last rollout), so that the model run heals as the rule run does and the two
// differ only in who planned. Pure.
import type { Reply } from '../../support/fake-llm.js';

// the first line of a Remediation's ask (src/controllers/remediation/model-brief.ts, remediationAsk)
const HEAL_DEPLOYMENT = /heal Deployment ([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)/;

/** The Deployment a model request asks to heal: the first one its messages name; undefined when none. */
export function deploymentToHeal(request: unknown): string | undefined {
  const messages = (request as { messages?: unknown } | null)?.messages;
  if (messages === undefined) return undefined;
  return HEAL_DEPLOYMENT.exec(JSON.stringify(messages))?.[1];
}

/** A plan rolling `name` back to `toRevision`, as submit_plan's input. */
export function rollbackPlan(name: string, toRevision: number) {
  return {
    steps: [
      {
        tool: 'k8s.rollout-undo',
        params: { target: `deployment/${name}`, toRevision },
        description: `roll ${name} back to revision ${toRevision}, before the crashing image`,
        reasoning: 'the crash loop started with the last rollout',
        risk: 'medium',
      },
    ],
    risk: 'medium',
    reasoning: 'the new image crash-loops; the previous one ran',
  };
}

/**
 * The fake provider's `respond` for the heal bench: every request naming a Deployment to heal gets its
 * rollback to `toRevision`; anything else gets no reply (the fake answers 500, and the heal shows it).
 */
export const rollbackReplies =
  (toRevision: number) =>
  (request: unknown): Reply | undefined => {
    const name = deploymentToHeal(request);
    return name === undefined ? undefined : { plan: rollbackPlan(name, toRevision) };
  };
