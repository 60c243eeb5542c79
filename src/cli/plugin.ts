// `kubectl bosun`: approve, deny, list, describe and logs. It talks to the
// cluster through the user's own kubectl, so the API server sees (and
// admission checks) the person who runs it.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { errorMessage } from '../api/errors.js';
import { EtcdStateStore } from '../store/etcd-store.js';
import { renderApproval, shown, type ApprovalView, type SubjectPlan } from './describe.js';

type Approval = ApprovalView;

class UsageError extends Error {}

function kubectl(args: string[], input?: string): string {
  const res = spawnSync('kubectl', args, { encoding: 'utf8', input });
  if (res.status !== 0) throw new Error((res.stderr || res.stdout || `kubectl ${args[0]} failed`).trim());
  return res.stdout;
}

function whoami(): { username: string; groups: string[] } {
  const review = JSON.parse(kubectl(['auth', 'whoami', '-o', 'json'])) as {
    status: { userInfo: { username: string; groups?: string[] } };
  };
  return { username: review.status.userInfo.username, groups: review.status.userInfo.groups ?? [] };
}

const ns = (namespace: string | undefined) => (namespace ? ['-n', namespace] : []);

function decide(name: string, decision: 'approve' | 'deny', comment: string, namespace?: string): string {
  const { username } = whoami();
  const patch = [{ op: 'add', path: '/spec/decisions/-', value: { user: username, decision, comment } }];
  kubectl(['patch', 'approval', name, ...ns(namespace), '--type=json', '-p', JSON.stringify(patch)]);
  return `${decision === 'approve' ? 'approved' : 'denied'} ${name} as ${username}`;
}

/** kubectl's namespace when no -n is given: the current context's, else default. */
function currentNamespace(): string {
  return kubectl(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).trim() || 'default';
}

const isForbidden = (err: unknown) => /\bforbidden\b/i.test(errorMessage(err));

/** Runs kubectl; undefined when the API server says the user may not. */
function unlessForbidden(args: string[]): string | undefined {
  try {
    return kubectl(args);
  } catch (err) {
    if (isForbidden(err)) return undefined;
    throw err;
  }
}

const approvalsIn = (args: string[]) => {
  const out = unlessForbidden(['get', 'approvals', ...args, '-o', 'json']);
  return out === undefined ? undefined : (JSON.parse(out) as { items: Approval[] }).items;
};

/**
 * Approvals in every namespace the user may read: cluster-wide when allowed, else namespace by
 * namespace, naming the ones that could not be read.
 */
function approvalsEverywhere(): { items: Approval[]; searched: string; notes: string[] } {
  const all = approvalsIn(['-A']);
  if (all) return { items: all, searched: 'any namespace', notes: [] };
  const names = unlessForbidden(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']);
  if (names === undefined) {
    const here = currentNamespace();
    const items = approvalsIn(['-n', here]);
    return {
      items: items ?? [],
      searched: `namespace ${here}`,
      notes: [
        `you may not list namespaces, so only ${here} was searched: name others with -n NAMESPACE`,
        ...(items ? [] : [`could not read Approvals in ${here} (forbidden)`]),
      ],
    };
  }
  const items: Approval[] = [];
  const unreadable: string[] = [];
  const readable: string[] = [];
  for (const namespace of names.split(/\s+/).filter(Boolean)) {
    const found = approvalsIn(['-n', namespace]);
    if (found) {
      readable.push(namespace);
      items.push(...found);
    } else unreadable.push(namespace);
  }
  return {
    items,
    searched: `the namespaces you may read (${readable.join(', ') || 'none'})`,
    notes: unreadable.length ? [`could not read Approvals in ${unreadable.join(', ')} (forbidden)`] : [],
  };
}

function list(namespace: string | undefined, all: boolean): string {
  const me = whoami();
  let found: { items: Approval[]; searched: string; notes: string[] };
  if (all) found = approvalsEverywhere();
  else {
    const here = namespace ?? currentNamespace();
    const items = approvalsIn(['-n', here]);
    if (!items) throw new Error(`${me.username} may not list Approvals in namespace ${here}`);
    found = { items, searched: `namespace ${here}`, notes: [] };
  }
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
    a.spec.risk,
    `${a.status?.approvals ?? 0}/${a.spec.requiredApprovals}`,
    a.spec.expiresAt,
  ]);
  const shown = mine.length
    ? table([['NAMESPACE', 'NAME', 'GOAL', 'RISK', 'APPROVALS', 'EXPIRES'], ...rows])
    : `no Approvals wait for ${me.username} in ${found.searched}`;
  return [shown, ...found.notes].join('\n');
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

function describe(name: string, namespace?: string): string {
  const a = JSON.parse(kubectl(['get', 'approval', name, ...ns(namespace), '-o', 'json'])) as Approval;
  return renderApproval(a, subjectPlan(a));
}

async function logs(
  goal: string,
  namespace: string | undefined,
  endpoints: string | undefined,
  output: string,
): Promise<string> {
  if (!endpoints) throw new UsageError("logs reads Bosun's etcd: pass --etcd-endpoints or set BOSUN_ETCD_ENDPOINTS");
  const namespaceName = namespace ?? currentNamespace();
  const store = new EtcdStateStore({ endpoints: endpoints.split(','), retryBudgetMs: 3000 });
  try {
    const lines: string[] = [];
    for await (const line of store.exportActions({ kind: 'Goal', namespace: namespaceName, name: goal }))
      lines.push(line);
    if (output === 'json') return lines.join('\n');
    const rows = lines
      .map((l) => JSON.parse(l) as { at: string; action: string; detail: Record<string, unknown> })
      .map((r) => [r.at, r.action, String(r.detail.note ?? r.detail.summary ?? '')]);
    return table([['TIME', 'ACTION', 'DETAIL'], ...rows]);
  } finally {
    await store.close();
  }
}

/** Columns of cluster text, each cell on one line with no terminal escape (shown). */
function table(cells: string[][]): string {
  const rows = cells.map((r) => r.map(shown));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

const USAGE = `kubectl bosun: Bosun from kubectl
  kubectl bosun approve NAME [-n NAMESPACE] [-m COMMENT]   add your approval to an Approval
  kubectl bosun deny NAME [-n NAMESPACE] [-m COMMENT]      add your denial
  kubectl bosun list [-n NAMESPACE | -A]                   Approvals waiting for you (default: the current
                                                           namespace; -A: every namespace you may read)
  kubectl bosun describe NAME [-n NAMESPACE]               each step's tool, params and changes, risk,
                                                           runbook and decisions
  kubectl bosun logs GOAL [-n NAMESPACE] [--etcd-endpoints URLS] [-o json|table]   a Goal's action log`;

export async function plugin(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      message: { type: 'string', short: 'm' },
      output: { type: 'string', short: 'o', default: 'table' },
      'etcd-endpoints': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, name] = positionals;
  try {
    if (values.help || !command) {
      console.log(USAGE);
      return 0;
    }
    const needName = () => {
      if (!name) throw new UsageError(`${command} needs a NAME`);
      return name;
    };
    let out: string;
    if (command === 'approve' || command === 'deny')
      out = decide(needName(), command, values.message ?? '', values.namespace);
    else if (command === 'list') out = list(values.namespace, values['all-namespaces'] ?? false);
    else if (command === 'describe') out = describe(needName(), values.namespace);
    else if (command === 'logs')
      out = await logs(
        needName(),
        values.namespace,
        values['etcd-endpoints'] ?? process.env.BOSUN_ETCD_ENDPOINTS,
        values.output ?? 'table',
      );
    else throw new UsageError(`unknown command ${command}`);
    console.log(out);
    return 0;
  } catch (err) {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : `error: ${errorMessage(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}
