// The Remediation reconciler: the plan engine's skeleton with what is the
// Remediation's own. Its occurrences (from Bosun's etcd) go on the status; a
// new issue, or one back after its heal, is diagnosed and planned by the
// healer, behind the guard rails (never Bosun itself, so many heals an hour,
// flapping escalates); the plan goes through the engine's risk, policy,
// approval and authority like a Goal's; after it ran, the target must stay
// healthy through the verification window, or the heal is undone and the
// Remediation escalates.
import { createHash } from 'node:crypto';
import { timestamp } from '../../api/v1alpha1/common.js';
import { RemediationReason } from '../../api/v1alpha1/reasons.js';
import { Remediation, type RemediationStatus } from '../../api/v1alpha1/remediation.js';
import type { Announcement } from '../../engine/phases.js';
import { approvalHandler } from '../../engine/approvals.js';
import { stepRunner, type StepDeps } from '../../engine/execute.js';
import { progress } from '../../engine/execution.js';
import { markRunning } from '../../engine/kstatus.js';
import { decidePlan } from '../../engine/plan.js';
import { loadPolicy } from '../../engine/policy.js';
import { invalidObject, planReconciler, type ReconcileDeps } from '../../engine/reconcile.js';
import { stalledStatus } from '../../engine/status.js';
import { gateFor, type Stall } from '../../engine/subject.js';
import { planHash } from '../../policy/plan-hash.js';
import { planRisk } from '../../policy/risk.js';
import type { Reconcile } from '../../runtime/controller.js';
import type { IssueKey, TargetKey } from '../../store/state-store.js';
import { resolveKind } from '../../tools/kubernetes/target.js';
import { ToolRegistry } from '../../tools/registry.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { AnyTool } from '../../tools/tool.js';
import { ticketAnnouncements, withTicket } from './escalation.js';
import { secretReader } from '../../kube/secrets.js';
import type { Healer } from './heal.js';
import { readHealth } from './health.js';
import { remediationKind } from './kind.js';
import {
  diagnosing,
  escalated,
  firingSince,
  flapping,
  fromOccurrences,
  guard,
  healed,
  judgeHeal,
  startVerifying,
  undoSteps,
  verificationFailed,
} from './lifecycle.js';

type Status = RemediationStatus;

export interface RemediationReconcilerDeps extends ReconcileDeps, StepDeps {
  healer: Healer;
  tools: readonly AnyTool[];
  /** every Secret value read (an escalation ticket's credentials) is added here first */
  secrets: SecretSink;
}

/** The kinds a Remediation heals: workloads with pods and a rollout. */
const HEALABLE = ['deployment', 'statefulset', 'daemonset'];

/** Where an issue's occurrences are kept: by its namespace and the digest of its fingerprint. */
export const issueOf = (namespace: string, fingerprint: string): IssueKey => ({
  namespace,
  fingerprint: createHash('sha256').update(fingerprint).digest('hex'),
});

const targetOf = (rem: Remediation): TargetKey & { kind: string } => {
  const r = resolveKind(rem.spec.targetRef.kind);
  return {
    kind: r.kind,
    namespace: rem.metadata.namespace ?? '',
    resource: r.group ? `${r.plural}.${r.group}` : r.plural,
    name: rem.spec.targetRef.name,
  };
};

/** Heals of one target in the hour of `now`, counted in Bosun's etcd. */
const healCounter = (t: TargetKey, now: Date) =>
  `heals/${t.namespace}/${t.resource}/${t.name}/${now.toISOString().slice(0, 13)}`;

export function validateRemediation(rem: Remediation): Stall | undefined {
  const { kind, name, namespace } = rem.spec.targetRef;
  if (!HEALABLE.includes(kind.toLowerCase()))
    return {
      reason: RemediationReason.UnsupportedTarget,
      message:
        `a Remediation heals a Deployment, StatefulSet or DaemonSet, not a ${kind} (${name}): ` +
        'change spec.targetRef',
    };
  if (namespace && namespace !== rem.metadata.namespace)
    return {
      reason: RemediationReason.TargetOutsideNamespace,
      message:
        `a Remediation heals in its own namespace (${rem.metadata.namespace}), not in ${namespace}: ` +
        `create it in namespace ${namespace}`,
    };
  return undefined;
}

export function remediationReconciler(deps: RemediationReconcilerDeps): Reconcile {
  const { client, store, tools } = deps;
  const execute = stepRunner(deps, remediationKind, tools);
  const approvals = approvalHandler(deps);

  /** A new issue, or one back: guard rails, then the healer's diagnosis and plan, decided by the engine. */
  async function start(
    rem: Remediation,
    base: Status,
    now: Date,
    heal: HealPolicyOf,
  ): Promise<{ next: Status; requeueAfter?: number }> {
    const gen = rem.metadata.generation;
    const target = targetOf(rem);
    const g = guard({
      self: target.namespace === deps.operatorNamespace,
      healsThisHour: await store.getUsage(healCounter(target, now)),
      policy: heal.spec.heal,
    });
    if (g) return { next: escalated(diagnosing(base, now, gen), g.reason, g.message, now, gen) };
    const proposal = await deps.healer(rem, {
      tried: (base.heals ?? []).map((h) => h.playbook),
      policy: heal.spec.heal,
      lastChange: await store.lastChange(target),
    });
    const diagnosis = { ...proposal.diagnosis, evidence: proposal.diagnosis.evidence.slice(0, 20) };
    // what the model cost, whatever came of it
    const cost = proposal.cost?.tokens
      ? {
          tokens: (base.cost?.tokens ?? 0) + proposal.cost.tokens,
          usd: (base.cost?.usd ?? 0) + proposal.cost.usd,
        }
      : base.cost;
    const next: Status = { ...diagnosing(base, now, gen), diagnosis, ...(cost && { cost }) };
    if ('waitMs' in proposal) {
      const conditions = markRunning(next.conditions, `diagnosed; ${proposal.why}`, now, gen);
      return { next: { ...next, conditions }, requeueAfter: proposal.waitMs };
    }
    if ('escalate' in proposal)
      return { next: escalated(next, RemediationReason.NoPlaybook, proposal.escalate, now, gen) };
    // a heal is a run of its own: never the same as an earlier one, even with the same plan
    const heals = [...(base.heals ?? []), { playbook: proposal.playbook, at: timestamp(now) }].slice(-10);
    const fresh: Status = { ...next, heals, plan: undefined, planHash: undefined, approvalRef: undefined };
    const registry = new ToolRegistry(tools);
    const { status } = await decidePlan(
      deps,
      remediationKind,
      { ...rem, status: fresh },
      {
        proposed: proposal.plan,
        registry,
        gate: gateFor(rem, heal),
        policy: heal,
        target: proposal.target,
        fromModel: proposal.fromModel ?? false,
      },
      now,
    );
    if (status.phase === 'Healing' || status.phase === 'AwaitingApproval')
      await store.addUsage(healCounter(target, now), 1);
    if (status.phase === 'Verifying') {
      // nothing to change: the target must still stay healthy through the window, in progress until it ends
      const health = await healthOf(rem);
      return { next: startVerifying(status, health.restarts, heal.spec.heal, now), requeueAfter: 1000 };
    }
    return { next: status };
  }

  /** Verification failed: undo what the heal changed, if its steps say how; then escalate. */
  function undo(prev: Status, why: string, now: Date): Status {
    const failed = verificationFailed(prev, why, now);
    const steps = undoSteps(prev.plan?.steps ?? []);
    if (!steps.length)
      return escalated(
        failed,
        RemediationReason.VerificationFailed,
        `${why}; the heal has no undo`,
        now,
        prev.observedGeneration,
      );
    const hash = planHash(steps);
    const message =
      `the heal did not hold (${why}): undoing it, ` + `step 1/${steps.length}: ${steps[0]?.description ?? ''}`;
    return {
      ...failed,
      phase: 'Healing',
      plan: { hash, risk: planRisk(steps), reasoning: `undo the heal: ${why}`.slice(0, 4096), steps },
      planHash: hash,
      progress: progress(steps),
      conditions: markRunning(failed.conditions, message, now, prev.observedGeneration),
    };
  }

  /** How the target looks now, for verification. */
  const healthOf = (rem: Remediation) =>
    readHealth(client, resolveKind(rem.spec.targetRef.kind), rem.metadata.namespace ?? '', rem.spec.targetRef.name);

  async function decide(rem: Remediation, now: Date): Promise<{ next: Status; requeueAfter?: number }> {
    const prev: Status = rem.status ?? {};
    const gen = rem.metadata.generation;
    const namespace = rem.metadata.namespace ?? '';
    const occurrences = await store.occurrences(issueOf(namespace, rem.spec.issue.fingerprint));
    const base: Status = { ...prev, ...fromOccurrences(occurrences) };
    if (!occurrences.length) base.occurrences ??= 1; // made by hand: one
    const sub = { ...rem, status: base };
    const policy = loadPolicy(deps.policies, namespace, rem.spec.riskPolicyRef, deps.operatorNamespace);
    if (!policy) {
      const message =
        `RiskPolicy ${namespace}/${rem.spec.riskPolicyRef} does not exist: ` +
        'create it, or remove spec.riskPolicyRef';
      return { next: stalledStatus(sub, { reason: RemediationReason.RiskPolicyNotFound, message }, now) };
    }
    const fresh =
      prev.observedGeneration !== gen || !prev.phase || prev.phase === 'Pending' || prev.phase === 'Diagnosing';
    const back = (prev.phase === 'Healed' || prev.phase === 'Escalated') && firingSince(occurrences, prev.completedAt);
    if (back && prev.phase === 'Escalated' && !fresh) return { next: base }; // a person has it
    if (back && !fresh && flapping(prev, policy.spec.heal, now)) {
      const message =
        `the issue came back within ${policy.spec.heal.flapWindowSeconds}s of its heal ` +
        '(RiskPolicy spec.heal.flapWindowSeconds): healing again would only loop';
      return { next: escalated(base, RemediationReason.Flapping, message, now, gen) };
    }
    if (fresh || back) return start(rem, base, now, policy);

    switch (prev.phase) {
      case 'AwaitingApproval':
        return approvals.await(sub, remediationKind, now);
      case 'Healing': {
        const ran = await execute(sub, now);
        const next = ran.next;
        if (next.phase === 'Verifying') {
          if (next.verification?.result === 'Failed') {
            const message = `${next.verification.message ?? 'the heal did not hold'}; the heal was undone`;
            return { next: escalated(next, RemediationReason.VerificationFailed, message, now, gen) };
          }
          const health = await healthOf(rem);
          return { next: startVerifying(next, health.restarts, policy.spec.heal, now), requeueAfter: 1000 };
        }
        return { next, requeueAfter: ran.requeueAfter };
      }
      case 'Verifying': {
        if (!prev.verification) {
          // nothing to change (a plan with no steps): the target must still stay healthy through the window
          const health = await healthOf(rem);
          return { next: startVerifying(base, health.restarts, policy.spec.heal, now), requeueAfter: 1000 };
        }
        if (prev.verification.result === 'Failed') {
          const message = `${prev.verification.message ?? 'the heal did not hold'}; the heal was undone`;
          return { next: escalated(base, RemediationReason.VerificationFailed, message, now, gen) };
        }
        const health = await healthOf(rem);
        const verdict = judgeHeal(base, health, rem.spec.issue.source === 'alert' && occurrences.length > 0, now);
        if (verdict.result === 'waiting') return { next: base, requeueAfter: verdict.recheckMs };
        if (verdict.result === 'passed') return { next: healed(base, now) };
        return { next: undo(base, verdict.why, now), requeueAfter: 1 };
      }
    }
    return { next: base };
  }

  return planReconciler<Status, Remediation>(deps, remediationKind, tools, {
    parse(raw) {
      const parsed = Remediation.safeParse(raw);
      if (parsed.success) return { subject: parsed.data };
      const invalid = invalidObject('Remediation', parsed.error.issues[0]);
      return { subject: { ...raw, spec: {} } as Remediation, invalid };
    },
    validate: validateRemediation,
    // the escalation ticket follows the status decided, and never changes its phase
    decide: withTicket({ ...deps, readSecret: secretReader(client) }, decide),
    execute,
    announce: remediationAnnouncements,
    forget: (rem) => store.forgetOccurrences(issueOf(rem.metadata.namespace ?? '', rem.spec.issue.fingerprint)),
  });
}

type HealPolicyOf = NonNullable<ReturnType<typeof loadPolicy>>;

/** The Remediation's own Events: what diagnosis found, repeats, resolution, a heal that did not hold. */
export function remediationAnnouncements(prev: Status, next: Status): Announcement[] {
  const out: Announcement[] = [...ticketAnnouncements(prev, next)];
  const d = next.diagnosis;
  if (d && (d.hypothesis !== prev.diagnosis?.hypothesis || d.symptom !== prev.diagnosis?.symptom))
    out.push({ type: 'Normal', reason: 'Diagnosed', note: `${d.symptom ?? 'unknown'}: ${d.hypothesis ?? ''}` });
  if ((next.occurrences ?? 0) > (prev.occurrences ?? 0) && prev.occurrences !== undefined)
    out.push({ type: 'Normal', reason: 'Occurred', note: `seen again: ${next.occurrences} occurrence(s)` });
  if (next.resolvedAt && next.resolvedAt !== prev.resolvedAt)
    out.push({
      type: 'Normal',
      reason: 'Resolved',
      note: `the source says the issue is resolved (${next.resolvedAt})`,
    });
  // verification starting and passing are Ready's own transitions (Verifying, Healed): the engine says them
  const v = next.verification;
  if (v?.result === 'Failed' && prev.verification?.result !== 'Failed')
    out.push({ type: 'Warning', reason: 'VerificationFailed', note: v.message ?? '' });
  return out;
}
