// `kubectl bosun`: approve, deny, list, describe and logs, of Approvals, Goals,
// Remediations, Pipelines and PipelineRuns; run a Pipeline, and resume a halted one. It
// talks to the cluster through the user's own kubectl (kubectl.ts), so the API server
// sees (and admission checks) the person who runs it.
import { parseArgs } from 'node:util';
import { errorMessage } from '../api/errors.js';
import { actionLines, NO_ENDPOINTS } from './action-log.js';
import { currentNamespace, find, kubectl, ns, whoami } from './kubectl.js';
import { renderApproval, type ApprovalView, type SubjectPlan } from './describe.js';
import { goalTable, remediationTable, type GoalRow } from './lists.js';
import {
  describePipelineRun,
  listPipelineRuns,
  listPipelines,
  pipelineRunLogs,
  resumePipeline,
  runPipeline,
} from './plugin-pipelines.js';
import { renderRemediation, type EventView, type Read, type RemediationView } from './remediation.js';
import { table } from './table.js';

type Approval = ApprovalView;

class UsageError extends Error {}

function decide(name: string, decision: 'approve' | 'deny', comment: string, namespace?: string): string {
  const { username } = whoami();
  const patch = [{ op: 'add', path: '/spec/decisions/-', value: { user: username, decision, comment } }];
  kubectl(['patch', 'approval', name, ...ns(namespace), '--type=json', '-p', JSON.stringify(patch)]);
  return `${decision === 'approve' ? 'approved' : 'denied'} ${name} as ${username}`;
}

/** Approvals waiting for the user: pending, naming them or a group of theirs, not yet decided by them. */
function listApprovals(namespace: string | undefined, all: boolean): string {
  const me = whoami();
  const found = find<Approval>('approvals', 'Approvals', namespace, all, () => me);
  const mine = found.items.filter(
    (a) =>
      (a.status?.state ?? 'Pending') === 'Pending' &&
      (a.spec.approvers.users.includes(me.username) || me.groups.some((g) => a.spec.approvers.groups.includes(g))) &&
      !a.spec.decisions.some((d) => d.user === me.username),
  );
  const rows = mine.map((a) => [
    a.metadata.namespace,
    a.metadata.name,
    a.spec.subjectRef.name,
    a.spec.subjectRef.kind ?? 'Goal',
    a.spec.risk,
    `${a.status?.approvals ?? 0}/${a.spec.requiredApprovals}`,
    a.spec.expiresAt,
  ]);
  const shown = mine.length
    ? table([['NAMESPACE', 'NAME', 'SUBJECT', 'KIND', 'RISK', 'APPROVALS', 'EXPIRES'], ...rows])
    : `no Approvals wait for ${me.username} in ${found.searched}`;
  return [shown, ...found.notes].join('\n');
}

/** The kinds `list` shows, by the names kubectl knows them by. */
const LISTS = {
  approvals: ['approval', 'approvals', 'appr'],
  goals: ['goal', 'goals', 'gl'],
  remediations: ['remediation', 'remediations', 'rem'],
  pipelines: ['pipeline', 'pipelines', 'pl'],
  pipelineruns: ['pipelinerun', 'pipelineruns', 'plr'],
} as const;
type Listed = keyof typeof LISTS;

/** `word` is one of the names of `kind` (remediation, remediations, rem). */
const names = (kind: Listed, word: string) => (LISTS[kind] as readonly string[]).includes(word);

function listed(word: string): Listed {
  const found = (Object.keys(LISTS) as Listed[]).find((k) => names(k, word));
  if (!found) throw new UsageError(`list shows approvals, goals, remediations, pipelines or pipelineruns, not ${word}`);
  return found;
}

/** Goals or Remediations in a table, with what could not be searched. */
function listWork(kind: 'goals' | 'remediations', namespace: string | undefined, all: boolean, now: Date) {
  const label = kind === 'goals' ? 'Goals' : 'Remediations';
  const found =
    kind === 'goals'
      ? find<GoalRow>('goals', label, namespace, all, whoami)
      : find<RemediationView>('remediations', label, namespace, all, whoami);
  const body = !found.items.length
    ? `no ${label} in ${found.searched}`
    : kind === 'goals'
      ? goalTable(found.items as GoalRow[], now, all)
      : remediationTable(found.items as RemediationView[], now, all);
  return [body, ...found.notes].join('\n');
}

/** `list [KIND[,KIND…]]`: Approvals waiting for you by default; the other kinds on request. */
function list(what: string | undefined, namespace: string | undefined, all: boolean, now: Date): string {
  const kinds = [...new Set((what ?? 'approvals').split(',').filter(Boolean).map(listed))];
  const one = (k: Listed) =>
    k === 'approvals'
      ? listApprovals(namespace, all)
      : k === 'pipelines'
        ? listPipelines(namespace, all, now)
        : k === 'pipelineruns'
          ? listPipelineRuns(namespace, all, now)
          : listWork(k, namespace, all, now);
  return kinds.map(one).join('\n\n');
}

/** The plan in the status of the Approval's subject (Goal or Remediation), where the params are. */
function subjectPlan(a: Approval): SubjectPlan {
  const kind = (a.spec.subjectRef.kind ?? 'Goal').toLowerCase();
  try {
    const out = kubectl(['get', kind, a.spec.subjectRef.name, '-n', a.metadata.namespace, '-o', 'json']);
    const status = (JSON.parse(out) as { status?: { planHash?: string; plan?: { steps?: unknown[] } } }).status;
    return {
      planHash: status?.planHash,
      steps: (status?.plan?.steps ?? []) as { tool?: string; params?: Record<string, unknown> }[],
    };
  } catch (err) {
    return { unreadable: errorMessage(err).split('\n')[0] ?? 'error' };
  }
}

function describeApproval(name: string, namespace?: string): string {
  const a = JSON.parse(kubectl(['get', 'approval', name, ...ns(namespace), '-o', 'json'])) as Approval;
  return renderApproval(a, subjectPlan(a));
}

/** Reads what the story needs; what the user may not read is named, not fatal. */
function readOr<T>(read: () => T): Read<T & object> {
  try {
    return read() as T & object;
  } catch (err) {
    return { unreadable: errorMessage(err).split('\n')[0] ?? 'error' };
  }
}

function describeRemediation(name: string, namespace: string | undefined, now: Date): string {
  const r = JSON.parse(kubectl(['get', 'remediation', name, ...ns(namespace), '-o', 'json'])) as RemediationView;
  const here = ['-n', r.metadata.namespace];
  const ref = r.status?.approvalRef;
  const approval = ref
    ? readOr(() => JSON.parse(kubectl(['get', 'approval', ref, ...here, '-o', 'json'])) as Approval)
    : undefined;
  const selector = `involvedObject.uid=${r.metadata.uid ?? ''}`;
  const events = readOr(
    () =>
      (
        JSON.parse(kubectl(['get', 'events', ...here, '--field-selector', selector, '-o', 'json'])) as {
          items: EventView[];
        }
      ).items,
  );
  return renderRemediation({ remediation: r, approval, events, now });
}

/**
 * `describe NAME` and `describe approval NAME` describe an Approval; `describe remediation NAME` a Remediation,
 * `describe pipelinerun NAME` a PipelineRun.
 */
function describe(positionals: string[], namespace: string | undefined, now: Date): string {
  const [first, second] = positionals;
  if (!first) throw new UsageError('describe needs a NAME');
  if (second === undefined) return describeApproval(first, namespace);
  if (names('approvals', first)) return describeApproval(second, namespace);
  if (names('remediations', first)) return describeRemediation(second, namespace, now);
  if (names('pipelineruns', first)) return describePipelineRun(second, namespace);
  throw new UsageError(`describe shows an approval, a remediation or a pipelinerun, not ${first}`);
}

async function logs(
  kind: 'Goal' | 'Remediation',
  name: string,
  namespace: string | undefined,
  endpoints: string | undefined,
  output: string,
): Promise<string> {
  if (!endpoints) throw new UsageError(NO_ENDPOINTS);
  const lines = await actionLines({ kind, namespace: namespace ?? currentNamespace(), name }, endpoints);
  if (output === 'json') return lines.join('\n');
  const rows = lines
    .map((l) => JSON.parse(l) as { at: string; action: string; detail: Record<string, unknown> })
    .map((r) => [r.at, r.action, String(r.detail.note ?? r.detail.summary ?? '')]);
  return table([['TIME', 'ACTION', 'DETAIL'], ...rows]);
}

const USAGE = `kubectl bosun: Bosun from kubectl
  kubectl bosun approve NAME [-n NAMESPACE] [-m COMMENT]   add your approval to an Approval (of a Goal or a
                                                           Remediation)
  kubectl bosun deny NAME [-n NAMESPACE] [-m COMMENT]      add your denial
  kubectl bosun list [-n NAMESPACE | -A]                   Approvals waiting for you (default: the current
                                                           namespace; -A: every namespace you may read)
  kubectl bosun list goals|remediations|pipelines|pipelineruns [-n NAMESPACE | -A]
                                                           Goals, Remediations, Pipelines, PipelineRuns (or
                                                           several: pipelines,pipelineruns)
  kubectl bosun describe NAME [-n NAMESPACE]               an Approval: each step's tool, params and changes,
                                                           risk, runbook and decisions
  kubectl bosun describe remediation NAME [-n NAMESPACE]   a Remediation's story: the issue, diagnosis, plan,
                                                           decisions, verification, heals tried and Events
  kubectl bosun describe pipelinerun NAME [-n NAMESPACE]   a PipelineRun's story: pipeline, revision, trigger,
                                                           why it ended, and each stage's attempts, findings,
                                                           retries and log
  kubectl bosun pipeline run NAME [--revision SHA] [-n NAMESPACE]
                                                           start a run of a Pipeline, as you, at SHA or the
                                                           head of its source branch (git ls-remote)
  kubectl bosun pipeline resume NAME [-n NAMESPACE]        let a halted Pipeline start runs again (sets the
                                                           bosun.dev/resumed-at annotation)
  kubectl bosun logs [goal|remediation] NAME [-n NAMESPACE] [--etcd-endpoints URLS] [-o json|table]
                                                           the action log (default: a Goal's)
  kubectl bosun logs pipelinerun NAME [--stage STAGE] [-n NAMESPACE] [--etcd-endpoints URLS] [-o json|table]
                                                           where each stage's log is, and the run's action log
                                                           (of one stage with --stage)`;

/** `logs NAME` is a Goal's; `logs goal NAME`, `logs remediation NAME` and `logs pipelinerun NAME` say whose. */
function logsOf(positionals: string[]): { kind: 'Goal' | 'Remediation' | 'PipelineRun'; name: string } {
  const [first, second] = positionals;
  if (!first) throw new UsageError('logs needs a NAME');
  if (second === undefined) return { kind: 'Goal', name: first };
  if (names('goals', first)) return { kind: 'Goal', name: second };
  if (names('remediations', first)) return { kind: 'Remediation', name: second };
  if (names('pipelineruns', first)) return { kind: 'PipelineRun', name: second };
  throw new UsageError(`logs shows a goal's, a remediation's or a pipelinerun's action log, not a ${first}'s`);
}

/** `pipeline run NAME [--revision SHA]` and `pipeline resume NAME`. */
function pipeline(positionals: string[], namespace: string | undefined, revision: string | undefined, now: Date) {
  const [verb, name] = positionals;
  if (verb !== 'resume' && verb !== 'run')
    throw new UsageError(`pipeline takes run or resume, not ${verb ?? 'nothing'}`);
  if (!name) throw new UsageError(`pipeline ${verb} needs a NAME`);
  if (revision !== undefined && verb !== 'run') throw new UsageError('--revision goes with pipeline run NAME');
  return verb === 'run' ? runPipeline(name, namespace, revision) : resumePipeline(name, namespace, now);
}

export async function plugin(argv: string[], now: () => Date = () => new Date()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      message: { type: 'string', short: 'm' },
      output: { type: 'string', short: 'o', default: 'table' },
      'etcd-endpoints': { type: 'string' },
      stage: { type: 'string' },
      revision: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  try {
    if (values.help || !command) {
      console.log(USAGE);
      return 0;
    }
    const needName = () => {
      if (!rest[0]) throw new UsageError(`${command} needs a NAME`);
      return rest[0];
    };
    const all = values['all-namespaces'] ?? false;
    let out: string;
    if (command === 'approve' || command === 'deny')
      out = decide(needName(), command, values.message ?? '', values.namespace);
    else if (command === 'list') out = list(rest[0], values.namespace, all, now());
    else if (command === 'describe') out = describe(rest, values.namespace, now());
    else if (command === 'pipeline') out = pipeline(rest, values.namespace, values.revision, now());
    else if (command === 'logs') {
      const { kind, name } = logsOf(rest);
      const endpoints = values['etcd-endpoints'] ?? process.env.BOSUN_ETCD_ENDPOINTS;
      const output = values.output ?? 'table';
      if (values.stage !== undefined && kind !== 'PipelineRun')
        throw new UsageError('--stage goes with logs pipelinerun NAME');
      out =
        kind === 'PipelineRun'
          ? await pipelineRunLogs(name, values.namespace, values.stage, endpoints, output, (m) => new UsageError(m))
          : await logs(kind, name, values.namespace, endpoints, output);
    } else throw new UsageError(`unknown command ${command}`);
    console.log(out);
    return 0;
  } catch (err) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : `error: ${errorMessage(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}
