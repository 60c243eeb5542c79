// End to end: a burst of two-step scale Goals from creation to `Succeeded`,
// through the real operator (`bosun run`, test/support/operator.ts) watching
// a namespace of its own, `e2e-bench`, with its admission webhook registered
// for that namespace (it stamps each Goal's requester from the API server).
//
// The workload: one Deployment per Goal, at 0 replicas, and each Goal
// (`intent: {type: scale, target: deployment/web-<i>, replicas: 1}`, rules
// planner, mode auto) wakes its own up, as a person or a script would wake up
// a fleet of preview environments in the morning. One Deployment each, not
// many Goals on a few: Goals on one Deployment would race each other (each
// plans from the replicas it read, and the scale's resourceVersion
// precondition turns the race into conflicts and retries), and a Goal whose
// replicas are already there plans nothing; neither is the product's common
// case. The rule planner makes two steps of a scale (src/agents/goal/
// rule-planner.ts): k8s.scale (risk low), then k8s.wait-for-condition until
// the Deployment has rolled out (risk none), so the plan's risk is low, and
// the namespace's RiskPolicy `default` (the schema's defaults: low is `auto`)
// lets it run at once: no approval. alice creates the Goals (bound to
// bosun-editor, and to bosun-executor so that she may scale what her Goals
// scale: Bosun does only what its requester may); Bosun writes as the
// namespace's executor ServiceAccount. There is no kubelet: the pods are
// scheduled on a fake node the bench adds with room for them, and KWOK makes
// them Running and Ready; the rollout the wait step waits for is the
// controller-manager's and KWOK's work, counted in create → Succeeded.
// There is no warm-up: the burst starts on a cold operator, as one would.
//
// What is measured:
//   the cluster alone  before the Goals, an admin scales the same Deployments
//                   up and back down (lib/e2e-cluster.ts): the rollouts/s of
//                   the cluster without Bosun, the ceiling of the Goals'.
//   Goals/s         Succeeded Goals / (first create sent → the watch's last
//                   Succeeded), the Goals created 32 at a time as fast as the
//                   API server (and the webhook) take them; and its ratio to
//                   the cluster's rollouts/s.
//   create → Succeeded  per Goal, from its create call's answer to the first
//                   watch event (lib/watch.ts) that shows it Succeeded.
//   API requests    every request the API server's audit log records in the
//                   window (from the first create to a moment after the
//                   last Succeeded) by Bosun's identity or the namespace's
//                   executor ServiceAccount (the token identity Bosun's
//                   writes use), sorted by lib/e2e-count.ts: SubjectAccess-
//                   Reviews, TokenRequests, Goal status writes, the Goal's
//                   finalizer, writes to the Deployments (real, and
//                   server-side dry-runs), reads of them, Events, the rest.
//   etcd puts       every put into Bosun's etcd under /bosun/v1/ in the same
//                   window (a watch on the prefix), by key: journal, step
//                   record, snapshot, action log, change index.
//   where the rest goes  the Goals' changes the watch sees (every status
//                   write and the finalizer's update) named by the phase and
//                   step states before → after, Events by reason (with their
//                   series counts), action-log entries by action.
// Each count, divided by the Goals, is printed beside the least the design
// allows (lib/e2e-report.ts says why each is the least). Nothing here is
// asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { freePort, until } from '../../hack/control-plane/wait.js';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { API_VERSION } from '../../src/api/v1alpha1/kinds.js';
import { KubeClient } from '../../src/kube/client.js';
import { KubeRest } from '../../src/kube/rest.js';
import { core } from '../../src/kube/resources.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { auditMark, readAuditSince } from './lib/audit.js';
import {
  REQUEST_KINDS,
  bosunUsers,
  goalChange,
  otherLabel,
  requestKind,
  tally,
  type GoalState,
  type RequestKind,
} from './lib/e2e-count.js';
import { clusterRollouts } from './lib/e2e-cluster.js';
import type { E2eFigures } from './lib/e2e-report.js';
import {
  E2E_NAMESPACE,
  addNode,
  createDeployments,
  deploymentName,
  removeNode,
  setUpNamespace,
} from './lib/e2e-workloads.js';
import { countEtcdPuts, type EtcdPuts } from './lib/etcd-puts.js';
import { createNamespace, goalResource } from './lib/goals.js';
import { kubectlAs } from './lib/kubectl.js';
import { registerWebhooks } from './lib/pipeline-workloads.js';
import { pool, summary } from './lib/stats.js';
import { watchObjects } from './lib/watch.js';
import { sleep } from '../../src/runtime/backoff.js';

export interface E2eOptions {
  goals: number;
  /** how long the Goals may take to end, after the last is created */
  timeoutMs: number;
}

const BEFORE_SCALE = 'before its scale (the plan, the dry-run diff, the write precondition)';
const AFTER_SCALE = 'after its scale (the wait step checking the rollout)';
const FINAL = ['Succeeded', 'Failed', 'Stalled', 'Denied'];

/** One Goal as the bench follows it. */
interface Track {
  created?: number;
  succeeded?: number;
  last?: GoalState;
}

interface EventView {
  reason?: string;
  reportingController?: string;
  series?: { count?: number };
}

export async function benchGoalsEndToEnd(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  o: E2eOptions,
  say: (line: string) => void,
): Promise<E2eFigures> {
  const namespace = E2E_NAMESPACE;
  const certDir = mkdtempSync(join(tmpdir(), 'bosun-bench-e2e-certs-'));
  const alice = new KubeClient(KubeRest.load(cp.kubeconfigs.alice, { maxSockets: 32 }), 'bench-alice');
  const tracks = new Map<string, Track>();
  const transitions: Record<string, number> = {};
  let op: RunningOperator | undefined;
  let puts: EtcdPuts | undefined;
  let unregister = () => {};
  const stops: (() => Promise<void>)[] = [];
  try {
    await createNamespace(admin, namespace);
    setUpNamespace(cp.kubeconfigs.admin, namespace);
    addNode(cp.kubeconfigs.admin, o.goals + 20);
    await createDeployments(admin, namespace, o.goals);
    say(`e2e: the cluster alone: an admin scales the ${o.goals} Deployments to 1 replica and back`);
    const cluster = await clusterRollouts(admin, namespace, o.goals, o.timeoutMs);
    const caBundle = makeWebhookCerts(certDir);
    const port = await freePort();
    op = await startOperator({
      cp,
      identity: 'bench-e2e',
      namespace,
      args: ['--leader-elect=false', '--webhook-addr', `127.0.0.1:${port}`, '--webhook-cert-dir', certDir],
    });
    unregister = registerWebhooks(cp.kubeconfigs.admin, namespace, port, caBundle);
    say(`e2e: ${o.goals} Deployments at 0 replicas in ${namespace}; alice creates a scale Goal for each`);

    const goals = await watchObjects<GoalState>(admin, goalResource, namespace, (g, at, type) => {
      const name = g.metadata?.name ?? '';
      const t = tracks.get(name) ?? {};
      tracks.set(name, t);
      if (type === 'MODIFIED' && t.last) tally(transitions, goalChange(t.last, g));
      t.last = g;
      if (g.status?.phase === 'Succeeded') t.succeeded ??= at;
    });
    stops.push(goals.stop);
    puts = await countEtcdPuts(cp.bosunEtcdUrl);
    const mark = auditMark(cp.auditLog);

    const names = Array.from({ length: o.goals }, (_, i) => `scale-${i}`);
    const first = Date.now();
    await pool(
      names.map((name, i) => ({ name, i })),
      32,
      async ({ name, i }) => {
        await alice.create(goalResource, {
          apiVersion: API_VERSION,
          kind: 'Goal',
          metadata: { name, namespace },
          spec: {
            intent: { type: 'scale', target: `deployment/${deploymentName(i)}`, replicas: 1 },
            mode: 'auto',
            planner: 'rules',
          },
        });
        const t = tracks.get(name) ?? {};
        tracks.set(name, t);
        t.created = Date.now();
      },
    );
    const lastCreate = Date.now();
    say(`e2e: ${o.goals} Goals created in ${lastCreate - first} ms`);
    const phase = (n: string) => tracks.get(n)?.last?.status?.phase ?? '';
    const deadline = Date.now() + o.timeoutMs;
    let said = Date.now();
    while (names.some((n) => !FINAL.includes(phase(n))) && Date.now() < deadline) {
      await sleep(200);
      if (Date.now() - said > 30_000) {
        said = Date.now();
        say(`e2e: ${names.filter((n) => phase(n) === 'Succeeded').length} of ${o.goals} Succeeded so far`);
      }
    }
    // what a Goal's last status write brings with it (its Events, the action log) lands after the watch sees it
    await sleep(3000);
    await puts.stop();
    const etcd = { ...puts.byKind };
    const actions = { ...puts.actions };
    puts = undefined;

    const requests = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
    const other: Record<string, number> = {};
    const reads: Record<string, number> = {};
    const scaled = new Set<string>();
    const users = bosunUsers(namespace);
    await readAuditSince(cp.auditLog, mark, (e) => {
      const kind = requestKind(e, users, namespace);
      if (!kind) return;
      requests[kind] += 1;
      if (kind === 'other') tally(other, otherLabel(e));
      // a Deployment's reads before its scale are planning's; after it, the wait step's rollout checks
      const name = e.objectRef?.name ?? '';
      if (kind === 'tool write') scaled.add(name);
      if (kind === 'tool read') tally(reads, scaled.has(name) ? AFTER_SCALE : BEFORE_SCALE);
    });
    const events: Record<string, number> = {};
    const { items } = await admin.list<EventView>(core.events, { namespace });
    for (const e of items)
      if (e.reportingController?.includes('bosun')) tally(events, e.reason ?? '?', e.series?.count ?? 1);

    const done = names.map((n) => tracks.get(n) ?? {});
    const succeeded = done.filter((t) => t.succeeded !== undefined && t.created !== undefined);
    const notSucceeded: Record<string, number> = {};
    for (const n of names) if (phase(n) !== 'Succeeded') tally(notSucceeded, phase(n) || 'none');
    const lastSucceeded = Math.max(...succeeded.map((t) => t.succeeded ?? 0));
    return {
      goals: o.goals,
      deployments: o.goals,
      cluster,
      succeeded: succeeded.length,
      notSucceeded,
      createMs: lastCreate - first,
      wallMs: succeeded.length ? lastSucceeded - first : NaN,
      toSucceeded: summary(succeeded.map((t) => (t.succeeded ?? 0) - (t.created ?? 0))),
      requests,
      other,
      reads,
      etcd,
      transitions,
      events,
      actions,
    };
  } catch (err) {
    if (op) say(`the operator's last lines:\n${op.log(40)}`);
    throw err;
  } finally {
    for (const stop of stops) await stop();
    await puts?.stop();
    unregister();
    // the Goals carry Bosun's finalizer: the namespace goes while the operator still runs, its pods with it
    kubectlAs(cp.kubeconfigs.admin)(['delete', 'namespace', namespace, '--wait=false']);
    await until(
      `namespace ${namespace} gone`,
      async () => !(await admin.tryGet(core.namespaces, undefined, namespace)),
      300_000,
    ).catch(() => say(`e2e: namespace ${namespace} is still being deleted`));
    await op?.stop();
    rmSync(certDir, { recursive: true, force: true });
    removeNode(cp.kubeconfigs.admin);
  }
}

/** Reads the phase's size from the environment; undefined when it is to be skipped. */
export function e2eOptionsFromEnv(env = process.env): E2eOptions | undefined {
  const goals = Number(env.BOSUN_BENCH_E2E_GOALS ?? 1000);
  if (!goals) return undefined;
  if (!Number.isInteger(goals) || goals < 1 || goals > 100_000)
    throw new Error('BOSUN_BENCH_E2E_GOALS must be 0 (skip) to 100000');
  return { goals, timeoutMs: Number(env.BOSUN_BENCH_E2E_TIMEOUT_SECONDS ?? 900) * 1000 };
}
