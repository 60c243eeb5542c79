// What `kubectl bosun describe remediation NAME` prints: the story of one
// issue, in the order it happened. What was reported, what diagnosis found
// (symptom, hypothesis, the evidence for it), the heal planned for it step by
// step, what policy and the approvers decided, whether the heal held through
// verification, every heal tried, the ticket, and the recent Events. Pure:
// plugin.ts reads the objects, the clock is passed in. All cluster text passes
// through `shown` (one line, no terminal escape): diagnosis evidence quotes
// container logs and Event messages, which anyone who runs a pod can write.
import { shown, type ApprovalView } from './describe.js';
import { age, table } from './table.js';

export interface StepView {
  tool: string;
  when?: string;
  params?: Record<string, unknown>;
  description?: string;
  reasoning?: string;
  risk?: string;
  state?: string;
  attempt?: number;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  diff?: string[];
}

interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface RemediationView {
  metadata: { name: string; namespace: string; uid?: string; creationTimestamp?: string };
  spec: {
    issue: { source: string; fingerprint: string; summary: string; severity?: string };
    targetRef: { kind: string; name: string };
    symptoms?: string[];
    mode?: string;
    riskPolicyRef?: string;
    requester?: { username: string };
  };
  status?: {
    phase?: string;
    occurrences?: number;
    firstSeenAt?: string;
    lastSeenAt?: string;
    resolvedAt?: string;
    diagnosis?: { evidence?: { source: string; summary: string }[]; symptom?: string; hypothesis?: string };
    heals?: { playbook: string; at: string; result?: string }[];
    verification?: { result: string; message?: string; since?: string; until?: string; checkedAt?: string };
    ticket?: { system?: string; id?: string; url: string };
    risk?: string;
    riskReasons?: string[];
    progress?: string;
    plan?: { hash?: string; risk?: string; reasoning?: string; steps?: StepView[] };
    decision?: string;
    authority?: string;
    approvalRef?: string;
    policyVersion?: string;
    startedAt?: string;
    completedAt?: string;
    conditions?: ConditionView[];
  };
}

/** An Event as `kubectl get events -o json` gives it (core/v1), whichever API wrote it. */
export interface EventView {
  metadata?: { creationTimestamp?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  eventTime?: string | null;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  series?: { count?: number; lastObservedTime?: string };
}

/** Something read for the story, or why it could not be read (forbidden, gone). */
export type Read<T> = T | { unreadable: string };
const unreadable = <T extends object>(r: Read<T> | undefined): r is { unreadable: string } =>
  r !== undefined && 'unreadable' in r;

export interface RemediationStory {
  remediation: RemediationView;
  /** the Approval status.approvalRef names, when it names one */
  approval?: Read<ApprovalView>;
  events: Read<EventView[]>;
  now: Date;
}

/** Events shown: the most recent this many. */
export const RECENT_EVENTS = 15;

const when = (at: string | undefined) => (at ? shown(at) : '?');

function issue(r: RemediationView): string[] {
  const { issue: i, symptoms } = r.spec;
  const s = r.status;
  const seen = s?.occurrences
    ? [
        `Occurrences: ${shown(s.occurrences)}` +
          (s.firstSeenAt ? ` (first seen ${when(s.firstSeenAt)}, last seen ${when(s.lastSeenAt)})` : '') +
          (s.resolvedAt ? `; the source says it resolved at ${when(s.resolvedAt)}` : ''),
      ]
    : [];
  return [
    `Issue: ${shown(i.summary)}`,
    `  source ${shown(i.source)}, severity ${shown(i.severity ?? 'warning')}, fingerprint ${shown(i.fingerprint)}`,
    ...(symptoms?.length ? ['  reported symptoms:', ...symptoms.map((x) => `    - ${shown(x)}`)] : []),
    `Target: ${shown(r.spec.targetRef.kind)} ${shown(r.spec.targetRef.name)}`,
    `Requested by: ${shown(r.spec.requester?.username ?? 'unknown')}`,
    `Mode: ${shown(r.spec.mode ?? 'auto')}; RiskPolicy: ${shown(r.spec.riskPolicyRef ?? 'default')}`,
    ...seen,
  ];
}

function diagnosis(r: RemediationView): string[] {
  const d = r.status?.diagnosis;
  if (!d) return ['Diagnosis: not yet'];
  const evidence = d.evidence ?? [];
  return [
    `Diagnosis: ${shown(d.symptom ?? 'unknown')}`,
    `  hypothesis: ${shown(d.hypothesis ?? '-')}`,
    ...(evidence.length
      ? ['  evidence:', ...evidence.map((e) => `    ${shown(e.source)}: ${shown(e.summary)}`)]
      : ['  evidence: none gathered']),
  ];
}

function stepLines(st: StepView, i: number): string[] {
  const times = st.startedAt ? `, ${when(st.startedAt)} → ${st.finishedAt ? when(st.finishedAt) : 'running'}` : '';
  const attempt = st.attempt ? `, attempt ${shown(st.attempt)}` : '';
  const onFailure = st.when === 'on-failure' ? ' (only if an earlier step fails)' : '';
  return [
    `  ${i + 1}. ${shown(st.tool)} [risk ${shown(st.risk ?? '?')}] ${shown(st.state ?? 'Pending')}${attempt}${times}` +
      onFailure,
    `       params: ${shown(JSON.stringify(st.params ?? {}))}`,
    `       description: ${shown(st.description ?? '')}`,
    ...(st.reasoning ? [`       why: ${shown(st.reasoning)}`] : []),
    ...(st.diff?.length
      ? ['       changes (server-side dry-run):', ...st.diff.map((d) => `         ${shown(d)}`)]
      : []),
    ...(st.message ? [`       result: ${shown(st.message)}`] : []),
  ];
}

function plan(r: RemediationView): string[] {
  const s = r.status;
  const p = s?.plan;
  const playbook = s?.heals?.at(-1)?.playbook;
  if (!p) return [`Plan: none${playbook ? ` (playbook ${shown(playbook)})` : ''}`];
  const steps = p.steps ?? [];
  const reasons = s?.riskReasons?.length ? ` (${s.riskReasons.map(shown).join('; ')})` : '';
  return [
    `Plan: ${playbook ? `playbook ${shown(playbook)}, ` : ''}risk ${shown(s?.risk ?? p.risk ?? '?')}${reasons}, ` +
      `${shown(s?.progress ?? `0/${steps.length}`)} steps done`,
    ...(p.reasoning ? [`  reasoning: ${shown(p.reasoning)}`] : []),
    ...(steps.length ? steps.flatMap(stepLines) : ['  no steps: nothing to change']),
  ];
}

function decisions(r: RemediationView, approval: Read<ApprovalView> | undefined): string[] {
  const s = r.status;
  const out = [
    `Decision: ${shown(s?.decision ?? 'none yet')}${s?.policyVersion ? ` (judged with ${shown(s.policyVersion)})` : ''}`,
    ...(s?.authority ? [`Authority: ${shown(s.authority)}`] : []),
  ];
  if (!s?.approvalRef) return [...out, 'Approval: none asked for'];
  const name = shown(s.approvalRef);
  if (approval === undefined || unreadable(approval))
    return [...out, `Approval ${name}: not shown (${shown(approval?.unreadable ?? 'not read')})`];
  const a = approval.spec;
  const list = (xs: string[]) => xs.map(shown).join(', ') || '-';
  return [
    ...out,
    `Approval ${name}: ${shown(approval.status?.state ?? 'Pending')}, ` +
      `${shown(approval.status?.approvals ?? 0)}/${shown(a.requiredApprovals)} approvals; ` +
      `approvers: users ${list(a.approvers.users)}; groups ${list(a.approvers.groups)}; expires ${shown(a.expiresAt)}`,
    ...(a.decisions.length
      ? a.decisions.map((d) => {
          const comment = d.comment ? ` (${shown(d.comment)})` : '';
          return `  ${shown(d.decidedAt ?? '')} ${shown(d.user)}: ${shown(d.decision)}${comment}`;
        })
      : ['  no decision yet: kubectl bosun approve|deny ' + `${name} -n ${shown(r.metadata.namespace)}`]),
  ];
}

function verification(r: RemediationView): string[] {
  const v = r.status?.verification;
  if (!v) return ['Verification: not started'];
  const window = v.since
    ? ` (window ${when(v.since)} → ${when(v.until)}${v.checkedAt ? `, checked ${when(v.checkedAt)}` : ''})`
    : '';
  return [`Verification: ${shown(v.result)}${window}`, ...(v.message ? [`  ${shown(v.message)}`] : [])];
}

function heals(r: RemediationView): string[] {
  const tried = r.status?.heals ?? [];
  if (!tried.length) return ['Heals tried: none'];
  return [
    'Heals tried (oldest first):',
    ...tried.map((h) => `  ${when(h.at)} ${shown(h.playbook)}: ${shown(h.result ?? 'Running')}`),
  ];
}

function ticket(r: RemediationView): string[] {
  const t = r.status?.ticket;
  if (!t) return ['Ticket: none'];
  const id = [t.system, t.id].filter(Boolean).map(shown).join(' ');
  return [`Ticket: ${id ? `${id} ` : ''}${shown(t.url)}`];
}

function conditions(r: RemediationView): string[] {
  const cs = r.status?.conditions ?? [];
  if (!cs.length) return [];
  return [
    'Conditions:',
    ...cs.map((c) => `  ${shown(c.type)}=${shown(c.status)} ${shown(c.reason ?? '')}: ${shown(c.message ?? '')}`),
  ];
}

const eventTime = (e: EventView) =>
  e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;

function events(read: Read<EventView[]>, now: Date): string[] {
  if (unreadable(read)) return [`Events: not shown (${shown(read.unreadable)})`];
  if (!read.length) return ['Events: none'];
  const recent = [...read]
    .sort((a, b) => (Date.parse(eventTime(a) ?? '') || 0) - (Date.parse(eventTime(b) ?? '') || 0))
    .slice(-RECENT_EVENTS);
  const rows = recent.map((e) => {
    const count = e.series?.count ?? e.count ?? 1;
    return [
      age(eventTime(e) ?? undefined, now),
      e.type ?? '',
      e.reason ?? '',
      `${e.message ?? ''}${count > 1 ? ` (x${count})` : ''}`,
    ];
  });
  const body = table([['AGE', 'TYPE', 'REASON', 'MESSAGE'], ...rows]).split('\n');
  const more = read.length > recent.length ? [`  (${read.length - recent.length} earlier not shown)`] : [];
  return [`Events (the last ${recent.length}):`, ...more, ...body.map((l) => `  ${l}`)];
}

export function renderRemediation(story: RemediationStory): string {
  const r = story.remediation;
  return [
    `Remediation ${shown(r.metadata.namespace)}/${shown(r.metadata.name)}: ${shown(r.status?.phase ?? 'Pending')}`,
    ...issue(r),
    ...conditions(r),
    ...diagnosis(r),
    ...plan(r),
    ...decisions(r, story.approval),
    ...verification(r),
    ...heals(r),
    ...ticket(r),
    ...events(story.events, story.now),
  ].join('\n');
}
