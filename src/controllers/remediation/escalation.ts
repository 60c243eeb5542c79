// A Remediation's escalation ticket (RiskPolicy spec.escalation.ticket): opened
// when the Remediation becomes Escalated, commented on when its issue is seen
// again while a person has it, closed when it is Healed. It only adds to the
// status the Remediation decided (its ref, the Ticketed condition, a retry):
// a ticket system that is down is retried with backoff, and never holds or
// undoes the Remediation's own phase. Opening is idempotent across crashes: the
// ticket layer finds the fingerprint's open ticket by its label.
import { errorMessage, hasCode } from '../../api/errors.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import { ConditionType, RemediationReason } from '../../api/v1alpha1/reasons.js';
import type { Remediation, RemediationStatus } from '../../api/v1alpha1/remediation.js';
import type { TicketConfig } from '../../api/v1alpha1/ticket.js';
import type { Announcement } from '../../engine/phases.js';
import { loadPolicy, type PolicyCache } from '../../engine/policy.js';
import { builtInPolicy, type EffectivePolicy } from '../../policy/decision.js';
import { CREDENTIAL_PATTERNS, OPTIONAL_PATTERNS, Redactor, type Pattern } from '../../redact/index.js';
import { getCondition, setCondition } from '../../runtime/conditions.js';
import type { SecretSink } from '../../telemetry/logger.js';
import {
  TicketError,
  ticketTarget,
  type TicketOptions,
  type TicketRef,
  type TicketRequest,
  type TicketTarget,
} from '../../tickets/index.js';

type Status = RemediationStatus;
export type TicketAction = NonNullable<Status['ticketRetry']>['action'];

export interface EscalationDeps {
  /** a Secret's data as the API returns it (base64 values); throws the kube layer's coded errors */
  readSecret(namespace: string, name: string): Promise<Readonly<Record<string, string>>>;
  /** every Secret value read is added here before it is used, so that no log line shows it */
  secrets: SecretSink;
  /** Bosun's namespace: its ServiceAccount is who a namespace binds bosun-secret-reader to */
  operatorNamespace: string;
  /** test seam: the ticket target (default: the tickets layer's) */
  connect?: (config: TicketConfig, credentials: Record<string, string>, opts: TicketOptions) => TicketTarget;
}

/** The RiskPolicy that governs a Remediation and the namespace it is in; the built-in one has no ticket. */
export interface GoverningPolicy {
  policy: EffectivePolicy;
  namespace?: string;
}

export interface EscalationInput {
  remediation: Remediation;
  prev: Status;
  next: Status;
  policy: GoverningPolicy | undefined;
  now: Date;
}

/** The RiskPolicy loadPolicy finds, and which namespace it was found in (the ticket's Secret is read there). */
export function governingPolicy(
  policies: PolicyCache,
  namespace: string,
  ref: string | undefined,
  operatorNamespace: string,
): GoverningPolicy | undefined {
  const candidates: [string, string][] = ref
    ? [[namespace, ref]]
    : [
        [namespace, 'default'],
        [operatorNamespace, 'default'],
      ];
  for (const [ns, name] of candidates) {
    const policy = loadPolicy(policies, ns, name, operatorNamespace);
    if (policy) return { policy, namespace: ns };
  }
  return ref ? undefined : { policy: builtInPolicy };
}

/** What the ticket is owed now, if anything. */
export function ticketAction(prev: Status, next: Status): TicketAction | undefined {
  const t = next.ticket;
  const open = t && !t.closedAt;
  if (next.phase === 'Escalated') {
    if (prev.phase !== 'Escalated') return 'open';
    if (!open) return next.ticketRetry?.action === 'open' ? 'open' : undefined;
    return (next.occurrences ?? 1) > (t.occurrences ?? 1) ? 'comment' : undefined;
  }
  return next.phase === 'Healed' && open ? 'close' : undefined;
}

const SECOND = 1000;
const TICKET_TIMEOUT_MS = 10 * SECOND;

/** How long after the `attempts`th failure the call is made again: a system that is down is asked sooner. */
export function retryDelay(attempts: number, unavailable: boolean): number {
  const [base, max] = unavailable ? [5 * SECOND, 600 * SECOND] : [60 * SECOND, 3600 * SECOND];
  return Math.min(max, base * 2 ** Math.min(attempts - 1, 20));
}

const describeCommand = (rem: Remediation) =>
  `kubectl describe remediation ${rem.metadata.name} -n ${rem.metadata.namespace ?? ''}`;

const targetOf = (rem: Remediation) =>
  `${rem.spec.targetRef.kind} ${rem.metadata.namespace ?? ''}/${rem.spec.targetRef.name}`;

/** The issue's identity for the ticket: its fingerprint in its namespace, as its occurrences are kept. */
export const ticketFingerprint = (rem: Remediation) => `${rem.metadata.namespace ?? ''}/${rem.spec.issue.fingerprint}`;

/** The ticket a Remediation escalates with: its diagnosis, what was tried, and where to look. Pure. */
export function ticketRequest(rem: Remediation, s: Status): TicketRequest {
  const d = s.diagnosis;
  const issue = rem.spec.issue;
  const why = getCondition(s.conditions, ConditionType.Succeeded);
  const seen = [
    `${s.occurrences ?? 1} occurrence(s)`,
    ...(s.firstSeenAt ? [`first seen ${s.firstSeenAt}`] : []),
    ...(s.lastSeenAt ? [`last seen ${s.lastSeenAt}`] : []),
  ].join(', ');
  const diagnosis = [
    `Bosun escalated Remediation ${rem.metadata.namespace}/${rem.metadata.name} of ${targetOf(rem)}` +
      (why ? ` (${why.reason}): ${why.message}` : ''),
    `Issue: ${issue.summary} (${issue.severity}, from ${issue.source}; ${seen})`,
    `Symptom: ${d?.symptom ?? 'not diagnosed'}`,
    `Hypothesis: ${d?.hypothesis ?? 'none'}`,
    ...rem.spec.symptoms.map((x) => `Reported: ${x}`),
  ].join('\n\n');
  const tried = [
    ...(s.heals ?? []).map((h, i) => `heal ${i + 1}: playbook ${h.playbook} at ${h.at}: ${h.result ?? 'Running'}`),
    ...(s.plan?.reasoning ? [`plan: ${s.plan.reasoning}`] : []),
    ...(s.plan?.steps ?? []).map(
      (st, i) =>
        `step ${i + 1} ${st.tool} (${st.state ?? 'Pending'}): ${st.description}` +
        (st.message ? `: ${st.message}` : ''),
    ),
    ...(s.verification?.message ? [`verification ${s.verification.result}: ${s.verification.message}`] : []),
  ];
  const links = [
    { title: 'The Remediation', url: describeCommand(rem) },
    ...(issue.generatorURL ? [{ title: 'The alert', url: issue.generatorURL }] : []),
  ];
  return {
    fingerprint: ticketFingerprint(rem),
    title: `${issue.summary}: ${targetOf(rem)}`,
    sections: { diagnosis, evidence: d?.evidence ?? [], tried, links },
  };
}

/** A failure, as the Ticketed condition says it. */
interface Failure {
  reason: string;
  message: string;
  unavailable: boolean;
}

const REASONS: Partial<Record<string, string>> = {
  BOSUN_ERR_TICKET_CONFIG: RemediationReason.TicketConfigInvalid,
  BOSUN_ERR_TICKET_AUTH: RemediationReason.TicketAuthFailed,
  BOSUN_ERR_TICKET_NOT_FOUND: RemediationReason.TicketTargetNotFound,
  BOSUN_ERR_TICKET_REJECTED: RemediationReason.TicketRejected,
  BOSUN_ERR_TICKET_NO_TRANSITION: RemediationReason.TicketNoTransition,
  BOSUN_ERR_TICKET_UNAVAILABLE: RemediationReason.TicketUnavailable,
};

const detail = (err: unknown) => errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '');

function failureOf(err: unknown, redactor: Redactor): Failure {
  // the tickets layer's messages never carry a credential; anything else is redacted before it is said
  const message = redactor.redact(detail(err)).text.slice(0, 1500);
  if (err instanceof TicketError) {
    const unavailable = err.code === 'BOSUN_ERR_TICKET_UNAVAILABLE';
    return { reason: REASONS[err.code] ?? RemediationReason.TicketFailed, message, unavailable };
  }
  return { reason: RemediationReason.TicketFailed, message, unavailable: false };
}

/** The credentials the ticket target needs, decoded from its Secret; a Secret Bosun cannot read is a Failure. */
async function credentialsFor(
  deps: EscalationDeps,
  config: TicketConfig,
  where: { namespace: string; source: string },
): Promise<Record<string, string> | Failure> {
  const name = config.github?.secretRef.name ?? config.jira?.secretRef.name ?? '';
  const keys = config.github ? [config.github.secretRef.key] : ['email', 'apiToken'];
  let data: Readonly<Record<string, string>>;
  try {
    data = await deps.readSecret(where.namespace, name);
  } catch (err) {
    const secret = `Secret ${where.namespace}/${name} (${where.source} spec.escalation.ticket)`;
    if (hasCode(err, 'BOSUN_ERR_KUBE_FORBIDDEN'))
      return {
        reason: RemediationReason.TicketSecretUnreadable,
        unavailable: false,
        message:
          `Bosun may not read ${secret}: bind the ClusterRole bosun-secret-reader to Bosun in namespace ` +
          `${where.namespace} (kubectl create rolebinding bosun-secret-reader -n ${where.namespace} ` +
          `--clusterrole=bosun-secret-reader --serviceaccount=${deps.operatorNamespace}:bosun)`,
      };
    if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND'))
      return {
        reason: RemediationReason.TicketSecretUnreadable,
        unavailable: false,
        message: `${secret} does not exist: create it with the key(s) ${keys.join(', ')}`,
      };
    if (hasCode(err, 'BOSUN_ERR_KUBE_UNAVAILABLE'))
      return { reason: RemediationReason.TicketUnavailable, unavailable: true, message: detail(err) };
    throw err;
  }
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = Buffer.from(data[k] ?? '', 'base64').toString('utf8');
    if (!v) continue;
    deps.secrets.add(v); // before any use: a log line about what follows must not show it
    out[k] = v;
  }
  return out;
}

const isFailure = (x: unknown): x is Failure => typeof x === 'object' && x !== null && 'unavailable' in x;

const ticketed = (s: Status, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: Date) =>
  setCondition(s.conditions, { type: ConditionType.Ticketed, status, reason, message }, now, s.observedGeneration);

/** A call that failed: said on Ticketed (Unknown while the system is down, False for what a person must fix). */
function failed(next: Status, action: TicketAction, f: Failure, now: Date) {
  const prior = next.ticketRetry?.action === action ? next.ticketRetry.attempts : 0;
  const attempts = prior + 1;
  const waitMs = retryDelay(attempts, f.unavailable);
  const at = timestamp(new Date(now.getTime() + waitMs));
  // no time in the message (status.ticketRetry has it): a condition's message changes only when its cause does
  const message = f.unavailable
    ? `could not ${action} the escalation ticket: ${f.message}; retried with backoff, nothing to do`
    : `could not ${action} the escalation ticket: ${f.message}`;
  return {
    next: {
      ...next,
      ticketRetry: { action, attempts, at },
      conditions: ticketed(next, f.unavailable ? 'Unknown' : 'False', f.reason, message.slice(0, 2000), now),
    },
    requeueAfter: waitMs,
  };
}

const withoutRetry = ({ ticketRetry: _r, ...s }: Status): Status => s;

/**
 * The status with what the ticket is owed done: `next` as the Remediation decided it, plus its ticket, the
 * Ticketed condition and a retry. No ticket configured: `next` as it is.
 */
export async function escalate(
  deps: EscalationDeps,
  input: EscalationInput,
): Promise<{ next: Status; requeueAfter?: number }> {
  const { remediation: rem, prev, now } = input;
  let next = input.next;
  const config = input.policy?.policy.spec.escalation?.ticket;
  const action = ticketAction(prev, next);
  if (!config || !action) return { next: next.ticketRetry ? withoutRetry(next) : next };
  if (next.ticketRetry && next.ticketRetry.action !== action) next = withoutRetry(next);
  const due = Date.parse(next.ticketRetry?.at ?? '') - now.getTime();
  if (due > 0) return { next, requeueAfter: due }; // backing off: asked again then

  const spec = input.policy?.policy.spec;
  const redactor = new Redactor([
    ...CREDENTIAL_PATTERNS,
    ...(spec?.redact ?? []).map((k) => OPTIONAL_PATTERNS[k] as Pattern),
  ]);
  const where = { namespace: input.policy?.namespace ?? '', source: input.policy?.policy.source ?? '' };
  let target: TicketTarget;
  try {
    const credentials = await credentialsFor(deps, config, where);
    if (isFailure(credentials)) return failed(next, action, credentials, now);
    for (const v of Object.values(credentials)) redactor.addSecret(v);
    // a ticket call holds a reconcile worker: a system that does not answer is given up on sooner than by default
    target = (deps.connect ?? ticketTarget)(config, credentials, { redactor, timeoutMs: TICKET_TIMEOUT_MS });
  } catch (err) {
    return failed(next, action, failureOf(err, redactor), now);
  }

  const occurrences = next.occurrences ?? 1;
  try {
    if (action === 'open') {
      const ref = await target.open(ticketRequest(rem, next));
      const ticket = { ...ref, occurrences };
      const message = `escalated in ${ref.url} (${ref.system} ${ref.id})`;
      return {
        next: withoutRetry({
          ...next,
          ticket,
          conditions: ticketed(next, 'True', RemediationReason.TicketOpened, message, now),
        }),
      };
    }
    const ref = next.ticket as TicketRef & NonNullable<Status['ticket']>;
    if (action === 'comment') {
      await target.comment(
        ref,
        `Seen again: ${occurrences} occurrence(s) in all, the last at ${next.lastSeenAt ?? timestamp(now)}. ` +
          `The Remediation stays Escalated for a person to act: ${describeCommand(rem)}`,
      );
      const message = `escalated in ${ref.url} (${ref.system} ${ref.id})`;
      const conditions = ticketed(next, 'True', RemediationReason.TicketOpened, message, now);
      return { next: withoutRetry({ ...next, ticket: { ...ref, occurrences }, conditions }) };
    }
    const healed = next.verification?.message ?? 'the symptoms stayed gone through the verification window';
    await target.close(ref, `Healed: ${healed}. Closed by Bosun (${describeCommand(rem)}).`);
    const conditions = ticketed(next, 'True', RemediationReason.TicketClosed, `${ref.url} closed: healed`, now);
    return { next: withoutRetry({ ...next, ticket: { ...ref, closedAt: timestamp(now) }, conditions }) };
  } catch (err) {
    return failed(next, action, failureOf(err, redactor), now);
  }
}

/** The Events of the ticket: opened and closed, and a Warning each time a call fails for a new reason. */
export function ticketAnnouncements(prev: Status, next: Status): Announcement[] {
  const was = getCondition(prev.conditions, ConditionType.Ticketed);
  const is = getCondition(next.conditions, ConditionType.Ticketed);
  if (!is) return [];
  const changed = !was || was.status !== is.status || was.reason !== is.reason;
  if (is.status === 'True')
    return changed || was?.message !== is.message ? [{ type: 'Normal', reason: is.reason, note: is.message }] : [];
  return changed ? [{ type: 'Warning', reason: is.reason, note: is.message }] : [];
}

type Decide = (rem: Remediation, now: Date) => Promise<{ next: Status; requeueAfter?: number }>;

/** A Remediation's decide, with what its ticket is owed seen to once the next status is decided. */
export function withTicket(deps: EscalationDeps & { policies: PolicyCache }, decide: Decide): Decide {
  return async (rem, now) => {
    const decided = await decide(rem, now);
    const namespace = rem.metadata.namespace ?? '';
    const policy = governingPolicy(deps.policies, namespace, rem.spec.riskPolicyRef, deps.operatorNamespace);
    const prev = rem.status ?? {};
    const t = await escalate(deps, { remediation: rem, prev, next: decided.next, policy, now });
    const waits = [decided.requeueAfter, t.requeueAfter].filter((w): w is number => w !== undefined);
    return { next: t.next, requeueAfter: waits.length ? Math.min(...waits) : undefined };
  };
}
