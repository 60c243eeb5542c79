// What `kubectl bosun describe` prints for an Approval: for each step, what
// Bosun computed (the tool, its params, the dry-run's diff) beside what the
// model wrote, so an approver decides on what will run, not on a
// description. Everything read from the cluster passes through `shown`:
// objects written before Bosun sanitised model text, or by hand, may still
// hold terminal escapes that would hide a line or rewrite it on screen.
import { stripTerminalEscapes } from '../llm/sanitize.js';

export interface ApprovalView {
  metadata: { name: string; namespace: string };
  spec: {
    subjectRef: { kind?: string; name: string };
    planHash?: string;
    risk: string;
    reasons?: string[];
    runbook?: string;
    steps: { index: number; tool: string; summary: string; risk: string; diff?: string[] }[];
    approvers: { users: string[]; groups: string[] };
    requiredApprovals: number;
    expiresAt: string;
    requester?: { username: string; groups?: string[] };
    authority?: string;
    decisions: { user: string; decision: string; comment?: string; decidedAt?: string }[];
  };
  status?: { state?: string; approvals?: number };
}

/** The subject's plan as read from its status, or why it could not be read. */
export type SubjectPlan =
  { planHash?: string; steps: { tool?: string; params?: Record<string, unknown> }[] } | { unreadable: string };

/** Cluster text safe for a terminal, on one line. */
export const shown = (s: unknown): string =>
  stripTerminalEscapes(String(s ?? ''))
    .replace(/\s+/g, ' ')
    .trim();

/** Cluster text safe for a terminal, each line indented (no line can pass for another part of the output). */
const block = (s: string | undefined, indent: string): string[] =>
  stripTerminalEscapes(s ?? '')
    .split('\n')
    .map((l) => `${indent}${l.replace(/\t/g, ' ')}`.trimEnd());

/** The params Bosun will call a step's tool with, or why they are not shown. */
function paramsOf(a: ApprovalView, subject: SubjectPlan, index: number, tool: string): string {
  const what = `${a.spec.subjectRef.kind ?? 'Goal'} ${a.spec.subjectRef.name}`;
  if ('unreadable' in subject) return `not shown: cannot read ${what} (${subject.unreadable})`;
  if (!a.spec.planHash || subject.planHash !== a.spec.planHash)
    return `not shown: the current plan of ${what} is not the one this Approval is for`;
  const step = subject.steps[index];
  if (!step || step.tool !== tool) return `not shown: ${what}'s plan has no step ${index + 1} by ${tool}`;
  return JSON.stringify(step.params ?? {});
}

export function renderApproval(a: ApprovalView, subject: SubjectPlan): string {
  const s = a.spec;
  const list = (xs: string[]) => xs.map(shown).join(', ') || '-';
  return [
    `Approval ${shown(a.metadata.namespace)}/${shown(a.metadata.name)} for ${shown(s.subjectRef.kind ?? 'Goal')} ` +
      `${shown(s.subjectRef.name)}: ${shown(a.status?.state ?? 'Pending')}`,
    `Risk: ${shown(s.risk)}${s.reasons?.length ? ` (${s.reasons.map(shown).join('; ')})` : ''}`,
    `Requested by: ${shown(s.requester?.username ?? 'unknown')}`,
    ...(s.authority ? [`Authority: ${shown(s.authority)}`] : []),
    `Approvers: users ${list(s.approvers.users)}; groups ${list(s.approvers.groups)}; ` +
      `${shown(s.requiredApprovals)} required; expires ${shown(s.expiresAt)}`,
    'Plan (what runs is the tool with these params; the description is what the model wrote):',
    ...s.steps.flatMap((st) => [
      `  ${Number(st.index) + 1}. ${shown(st.tool)} [risk ${shown(st.risk)}]`,
      `       params: ${shown(paramsOf(a, subject, Number(st.index), st.tool))}`,
      `       description: ${shown(st.summary)}`,
      ...(st.diff?.length
        ? ['       changes (server-side dry-run):', ...st.diff.map((d) => `         ${shown(d)}`)]
        : ['       changes: none computed (a read, or not previewed)']),
    ]),
    'Runbook:',
    ...block(s.runbook, '  '),
    'Decisions:',
    ...(s.decisions.length
      ? s.decisions.map((d) => {
          const comment = d.comment ? ` (${shown(d.comment)})` : '';
          return `  ${shown(d.decidedAt ?? '')} ${shown(d.user)}: ${shown(d.decision)}${comment}`;
        })
      : ['  none yet']),
  ].join('\n');
}
