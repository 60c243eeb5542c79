// The Heal agent's playbooks: pure functions from a diagnosis and its evidence
// to a plan, or to a reason a person must act. Each does one well-understood
// thing (roll back to what worked, give memory within bounds, restart once)
// and says why; whatever none of them covers escalates. healPlan picks one.
import type { ExecutionPlan } from '../../api/v1alpha1/plan.js';
import {
  escalate,
  type HealDecision,
  type HealLimits,
  type HealTried,
  type Playbook,
  type PlaybookName,
} from './decision.js';
import type { Diagnosis } from './diagnose.js';
import { targetName } from './diagnose.js';
import type { HealEvidence, RevisionEvidence, WorkloadEvidence } from './evidence.js';
import { raiseMemory } from './raise-memory.js';
import { earlierRevisions, imageIn, imageThatRan, lastGoodRevision } from './revisions.js';
import { healPlanOf, step, waitSeconds, waitStep } from './steps.js';

export {
  DEFAULT_MEMORY_FACTOR,
  type HealDecision,
  type HealLimits,
  type HealTried,
  type Playbook,
  type PlaybookName,
} from './decision.js';
export { raiseMemory } from './raise-memory.js';

const who = (d: Diagnosis) => {
  const r = d.recentRollout;
  if (!r) return 'the current revision';
  const what = r.revision !== undefined ? `revision ${r.revision}` : 'the change';
  return `${what} (${r.at}${r.by ? `, by ${r.by.kind} ${r.by.name}` : ''})`;
};

const why = (r: RevisionEvidence) =>
  r.ready === 'ready-now' ? `${r.readyReplicas} of its pods are Ready now` : 'Bosun saw its pods Ready';

/** Roll a Deployment back to `to`, then wait for it. */
function undoTo(w: WorkloadEvidence, to: RevisionEvidence, reasoning: string, summary: string): ExecutionPlan {
  const target = targetName(w);
  const images = to.images.map((i) => `${i.container}=${i.image}`).join(', ');
  return healPlanOf(
    [
      step({
        tool: 'k8s.rollout-undo',
        params: { target, toRevision: to.revision },
        description: `roll ${target} back from revision ${w.revision ?? '?'} to revision ${to.revision} (${images})`,
        reasoning: `${reasoning} Undo: roll forward again to revision ${w.revision ?? '?'}.`,
        risk: 'medium',
      }),
      waitStep(target, waitSeconds(w), 'the heal is done only when the pods of the earlier revision are available'),
    ],
    summary,
  );
}

/** A StatefulSet or DaemonSet: set the one changed image back to the one a Ready pod still runs. */
function setImageBack(d: Diagnosis, e: HealEvidence, w: WorkloadEvidence, playbook: PlaybookName, what: string) {
  const ran = imageThatRan(e);
  const target = targetName(w);
  if (!ran)
    return escalate(
      playbook,
      `${what}, and no Ready pod of ${target} runs an earlier image of one container to go back to: ` +
        'roll it back by hand to a revision you trust',
    );
  const now = w.containers.find((c) => c.name === ran.container)?.image ?? '?';
  return {
    playbook,
    plan: healPlanOf(
      [
        step({
          tool: 'k8s.set-image',
          params: { target, container: ran.container, image: ran.image },
          description: `set container ${ran.container} of ${target} back to ${ran.image} (was ${now})`,
          reasoning: `${what}; pod ${ran.pod} still runs ${ran.image} and is Ready. Undo: set ${ran.container} to ${now} again.`,
          risk: 'medium',
        }),
        waitStep(
          target,
          waitSeconds(w),
          'the heal is done only when every pod runs the earlier image and is available',
        ),
      ],
      `${what} since ${who(d)} rolled out: go back to the image that ran (${ran.image})`,
    ),
  };
}

/** Crash-looping or failing pods after a recent rollout: back to the last revision whose pods were Ready. */
export const rollback: Playbook = (d, e) => {
  const w = e.workload as WorkloadEvidence;
  const target = targetName(w);
  const what = `pods of ${target} fail (${d.symptom}) after a recent rollout`;
  if (w.kind !== 'Deployment') return setImageBack(d, e, w, 'rollback', what);
  const good = lastGoodRevision(e);
  if (!good)
    return escalate(
      'rollback',
      `${what}, and no earlier revision of ${target} is known to have run Ready pods ` +
        `(earlier revisions: ${
          earlierRevisions(e)
            .map((r) => r.revision)
            .join(', ') || 'none'
        }): ` +
        'roll it back by hand to one you trust',
    );
  return {
    playbook: 'rollback',
    plan: undoTo(
      w,
      good,
      `${d.hypothesis} Revision ${good.revision} is the last one known to work: ${why(good)}.`,
      `pods of ${target} fail (${d.symptom}) since ${who(d)} rolled out: ` +
        `roll back to revision ${good.revision}, the last whose pods were Ready`,
    ),
  };
};

/** Image pull failures: back to the last image that ran. */
export const restoreImage: Playbook = (d, e) => {
  const w = e.workload as WorkloadEvidence;
  const target = targetName(w);
  const failing = d.troubles.find((t) => t.kind === 'ImagePull');
  const what = `pods of ${target} cannot pull ${failing?.image ?? 'their image'}`;
  if (w.kind !== 'Deployment') return setImageBack(d, e, w, 'restore-image', what);
  const good = lastGoodRevision(e);
  if (!good)
    return escalate(
      'restore-image',
      `${what}, and no earlier revision of ${target} is known to have run: fix the image reference or its pull secret`,
    );
  if (failing && imageIn(good, failing.container) === failing.image)
    return escalate(
      'restore-image',
      `${what}, the same image revision ${good.revision} ran: the registry or its credentials changed, not the ` +
        'image reference; a rollback would not help',
    );
  return {
    playbook: 'restore-image',
    plan: undoTo(
      w,
      good,
      `${d.hypothesis} Revision ${good.revision} ran ${failing ? imageIn(good, failing.container) : 'its image'}: ${why(good)}.`,
      `${what}: roll back to revision ${good.revision}, the last image that ran`,
    ),
  };
};

/** A Deployment past its progress deadline: undo the rollout (to the last revision known good, else the one before). */
export const undoStuckRollout: Playbook = (d, e) => {
  const w = e.workload as WorkloadEvidence;
  const target = targetName(w);
  const good = lastGoodRevision(e);
  const to = good ?? earlierRevisions(e)[0];
  if (w.kind !== 'Deployment' || !to)
    return escalate(
      'undo-stuck-rollout',
      `the rollout of ${target} is stuck and there is no earlier revision to undo to`,
    );
  const basis = good ? why(good) : 'it is the revision before (none is known to have had Ready pods)';
  return {
    playbook: 'undo-stuck-rollout',
    plan: undoTo(
      w,
      to,
      `${d.hypothesis} Undo the rollout to revision ${to.revision}: ${basis}.`,
      `the rollout of ${target} passed its progress deadline (${w.progressDeadlineSeconds ?? 600} s): undo it to ` +
        `revision ${to.revision}`,
    ),
  };
};

/** Not Ready and nothing changed: one rolling restart; a second time, escalate. */
export const restart = (d: Diagnosis, e: HealEvidence, _limits: HealLimits, tried: HealTried): HealDecision => {
  const w = e.workload as WorkloadEvidence;
  const target = targetName(w);
  if (tried.restart)
    return escalate('restart', `a rolling restart of ${target} was tried and it is still not Ready: ${d.hypothesis}`);
  const stuck = e.pods.find((p) => p.unschedulable && !p.terminating);
  if (stuck)
    return escalate(
      'restart',
      `pod ${stuck.name} of ${target} cannot be scheduled: a restart would add more pods that cannot`,
    );
  const cannotStart = d.troubles.find((t) => t.kind === 'StartError');
  if (cannotStart)
    return escalate(
      'restart',
      `container ${cannotStart.container} of ${target} cannot start (${cannotStart.reason}): ` +
        'the kubelet retries it already; fix what it needs (a ConfigMap, a Secret, its command)',
    );
  return {
    playbook: 'restart',
    plan: healPlanOf(
      [
        step({
          tool: 'k8s.rollout-restart',
          params: { target },
          description: `restart the pods of ${target} (rolling)`,
          reasoning:
            `${d.hypothesis} Nothing changed, so fresh pods may recover ` +
            '(a stuck connection, a bad cache); tried once only.',
          risk: 'low',
        }),
        waitStep(target, waitSeconds(w), 'the restart helped only if every new pod becomes Ready'),
      ],
      `${target} is not Ready and nothing changed recently: one rolling restart, then escalate`,
    ),
  };
};

/** The playbook for a diagnosis; whatever none covers escalates with the hypothesis. */
export function healPlan(d: Diagnosis, e: HealEvidence, limits: HealLimits, tried: HealTried): HealDecision {
  const w = e.workload;
  if (!w) return escalate('none', d.hypothesis);
  if (d.symptom === 'Healthy') return { playbook: 'none', plan: healPlanOf([], `${d.hypothesis} Nothing to heal.`) };
  if (w.paused && d.symptom !== 'Unknown')
    return escalate('none', `the rollout of ${targetName(w)} is paused: a heal would not roll out. ${d.hypothesis}`);
  switch (d.symptom) {
    case 'ImagePull':
      return restoreImage(d, e, limits);
    case 'OOMKilled':
      return raiseMemory(d, e, limits);
    case 'CrashLoop':
      return d.recentRollout
        ? rollback(d, e, limits)
        : escalate('none', `${d.hypothesis} No recent rollout to undo, and a restart does not cure a crash loop.`);
    case 'RolloutStuck':
      return undoStuckRollout(d, e, limits);
    case 'NotReady':
      return d.recentRollout ? rollback(d, e, limits) : restart(d, e, limits, tried);
    default:
      return escalate('none', d.hypothesis);
  }
}
