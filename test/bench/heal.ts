// Time to heal: from an alert's arrival to its Remediation's `Healed`, less
// what is not Bosun's speed, once per planner: the rules, then the model, the
// same count of alerts each, one run after the other. In each run one operator
// (`bosun run`) watches the planner's own namespace of `alerts` Deployments,
// whose RiskPolicy's spec.heal.planner says how the Remediations Bosun opens
// for alerts plan. The model is a loopback server speaking Anthropic's wire
// format (test/support/fake-llm.ts), reached through the namespace's
// ModelProvider `default`; it answers each request at once with the rollback
// the rules would make (lib/heal-model.ts), so the runs differ only in who
// planned: what the model run adds is Bosun's side of a model plan (evidence,
// redaction, the prompt, the SDK, the plan's checks), not a real model's time.
// Each Deployment (one replica: a second only adds pods for KWOK and the
// scheduler to move) is rolled out from nginx:1.27 to
// registry.bosun.test/crash:1, which crash-loops (Bosun's KWOK stage; no
// kubelet), and once its pod is in CrashLoopBackOff the bench posts one alert
// for it to a REAL Alertmanager (one group per alert, group_wait 100 ms), which
// notifies Bosun's intake at /alertmanager. Alerts go out `gapMs` apart, after
// one warm-up heal that is not counted (the operator's first heal fills its
// caches and mints its first executor token; the model run's first model call).
// At the issue's scale, 100 alerts per planner, the default gap is 200 ms: an
// alert storm (5 alerts/s, all 100 within 20 s, as when one bad change reaches
// every service at once), so that heals overlap and Bosun's queue, workers and
// token minting are under load, while a planner's run, set-up included, takes
// about 100 s on a quiet machine (at 1000 ms apart each heal would run nearly
// alone, in 100 s of alerts alone).
// A KWOK node takes 110 pods: the bench adds nodes, as a cluster admin would,
// for two runs' Deployments at their rollouts' surge, and deletes a run's
// Deployments after it. The RiskPolicy lets every level run (`auto`): nothing
// waits for an approval; its heal limits are per target (maxHealsPerHour,
// flapWindowSeconds), so 100 Deployments, one alert each, meet none of them.
//
// What is measured, each moment as the bench's watches see it (ms since the
// epoch; the bench and the operator share one clock):
//   alert received  the Remediation's creation as the bench's watch sees it.
//                   The intake creates the Remediation as the notification
//                   arrives (after recording the occurrence in Bosun's etcd),
//                   so this is the moment Bosun accepted the alert, plus a watch
//                   delivery (a few ms, counted against Bosun). Not
//                   status.firstSeenAt: that is the alert's startsAt. Not
//                   metadata.creationTimestamp alone: it has whole seconds; it
//                   is printed as a check (the watch's moment must fall within
//                   the second after it). Alertmanager's own delay (the bench's
//                   post → the Remediation) is printed apart, not counted.
//   plan exists     the first watch event with a status.plan: the healer has
//                   diagnosed and planned (with the model: where its call
//                   sits) and policy has decided; the rollback runs after it.
//   Healed          the first watch event with status.phase Healed.
//   the rollout     the Deployment's own rollout back to the good revision: from
//                   the watch event whose pod template is nginx:1.27 again to
//                   the one that shows it rolled out (kubectl rollout status's
//                   rule). The controller-manager and the nodes do this, not
//                   Bosun; the time Bosun then takes to notice it (its wait
//                   step polls) stays in Bosun's figure.
//   the window      RiskPolicy spec.heal.verifySeconds is policy: from the first
//                   status in Verifying to status.verification.until (Bosun
//                   writes whole seconds, so the window is up to 1 s shorter
//                   than verifySeconds; the measured length is printed).
// Bosun's time to heal = Healed − received − (rollout ∪ window). As Prometheus
// would once the fix is in, the bench resolves each alert when the bench sees
// its rollout done; an alert-sourced Remediation waits for the resolution
// before Healed, so a resolution seen after the window would hold Healed back:
// how many were, and by how much, is printed (not taken out). Also printed:
// the throughput, the Remediations Healed over the first alert received → the
// last Healed (the window and the rollouts are in it, so with alerts 200 ms
// apart it is bound by their rate and the last heal's own time), against the
// rate the alerts came at; the heals that did not reach Healed, by their last
// phase and the reason of their failing condition; each run's time in all;
// and the operator's own account from its /metrics (the Remediation
// controller's reconciles, their mean time, its queue's mean wait; API
// requests throttled; etcd errors), which tells whether heals waited for a
// worker (the operator's --workers, BOSUN_BENCH_HEAL_WORKERS, default its own).
// Nothing here is asserted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_PODS, type ControlPlaneInfo } from '../../hack/control-plane/control-plane.js';
import { freePort } from '../../hack/control-plane/wait.js';
import { makeWebhookCerts } from '../../hack/webhook.js';
import { kindInfo } from '../../src/api/v1alpha1/kinds.js';
import type { KubeClient } from '../../src/kube/client.js';
import { bosunResource, core } from '../../src/kube/resources.js';
import { startAlertmanager, type Alertmanager, type PostedAlert } from '../support/alertmanager.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-llm.js';
import { startOperator, type RunningOperator } from '../support/operator.js';
import { createNamespace } from './lib/goals.js';
import { rollbackReplies } from './lib/heal-model.js';
import type { HealFigures } from './lib/heal-report.js';
import {
  CRASH_IMAGE,
  GOOD_IMAGE,
  GOOD_REVISION,
  INTAKE_SECRET,
  OPERATOR_NAMESPACE,
  crashLooping,
  deploymentsAre,
  healNamespace,
  nodesFor,
  removeDeployments,
  setUpModelProvider,
  setUpNamespace,
  type HealPlanner,
} from './lib/heal-workloads.js';
import { operatorFigures } from './lib/heal-operator.js';
import { healRate, healTiming, type HealMarks, type HealTiming } from './lib/heal-timings.js';
import { imageOf, rolledOut, type DeploymentView } from './lib/rollout.js';
import { summary } from './lib/stats.js';
import { watchObjects } from './lib/watch.js';
import { sleep } from '../../src/runtime/backoff.js';

export interface HealOptions {
  /** alerts, one per crash-looping Deployment */
  alerts: number;
  /** RiskPolicy spec.heal.verifySeconds */
  verifySeconds: number;
  /** the time between two alerts */
  gapMs: number;
  /** the operator's --workers (per controller); undefined: its default */
  workers?: number;
}

const remediationResource = bosunResource(kindInfo('Remediation'));
const TERMINAL = ['Healed', 'Escalated', 'Failed', 'Stalled'];

/** One Deployment and its alert, as the bench follows them. */
interface Track {
  name: string;
  marks: HealMarks;
  /** the crash image is rolled out: from here on, the template going back is the rollback */
  crashed: boolean;
  /** why its Remediation is where it is: the reason of its last Ready or Succeeded condition that is False */
  why?: string;
  alert?: PostedAlert;
  resolving?: Promise<void>;
  created?: number;
  phase?: string;
}

interface RemediationView {
  metadata: { name?: string; creationTimestamp?: string };
  spec?: { targetRef?: { name?: string } };
  status?: {
    phase?: string;
    plan?: { steps?: unknown[] };
    resolvedAt?: string;
    verification?: { until?: string };
    conditions?: { type: string; status: string; reason?: string }[];
  };
}

/** Marks each Track from the watches' events. */
function follow(tracks: Map<string, Track>, resolve: (t: Track) => void) {
  return {
    deployment(d: DeploymentView & { metadata?: { name?: string } }, at: number) {
      const t = tracks.get(d.metadata?.name ?? '');
      if (!t?.crashed || t.marks.posted === 0) return;
      if (t.marks.rollbackApplied === undefined && imageOf(d) === GOOD_IMAGE) t.marks.rollbackApplied = at;
      if (t.marks.rollbackApplied !== undefined && t.marks.rolledOut === undefined && rolledOut(d)) {
        t.marks.rolledOut = at;
        resolve(t);
      }
    },
    remediation(r: RemediationView, at: number) {
      const t = tracks.get(r.spec?.targetRef?.name ?? '');
      if (!t) return;
      t.marks.opened ??= at;
      t.created ??= Date.parse(r.metadata.creationTimestamp ?? '');
      const s = r.status ?? {};
      t.phase = s.phase ?? t.phase;
      const failing = s.conditions?.find((c) => ['Succeeded', 'Ready'].includes(c.type) && c.status === 'False');
      t.why = failing?.reason ?? t.why;
      if (s.plan?.steps?.length) t.marks.planned ??= at;
      if (s.phase === 'Verifying') {
        t.marks.verifying ??= at;
        if (s.verification?.until) t.marks.verifyUntil ??= Date.parse(s.verification.until);
      }
      if (s.resolvedAt) t.marks.resolvedSeen ??= at;
      if (s.phase === 'Healed') t.marks.healed ??= at;
    },
  };
}

const alertFor = (namespace: string, name: string): PostedAlert => ({
  labels: { alertname: 'KubePodCrashLooping', namespace, deployment: name, severity: 'warning' },
  annotations: { summary: `pods of ${name} are crash looping` },
  startsAt: new Date(),
});

async function post(am: Alertmanager, namespace: string, t: Track) {
  t.alert = alertFor(namespace, t.name);
  t.marks.posted = Date.now();
  await am.post([t.alert]);
}

/** Waits (no longer than `ms`) until every track has ended; returns whether they all did. */
async function ended(tracks: Track[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  const done = () => tracks.every((t) => TERMINAL.includes(t.phase ?? ''));
  while (!done() && Date.now() < deadline) await sleep(100);
  return done();
}

/** what the ModelProvider's Secret holds: the loopback model does not check it */
const API_KEY = 'sk-ant-bench-loopback';

/** One run of the heal bench, its Remediations planned by `planner`, in that planner's own namespace. */
export async function benchHeal(
  cp: ControlPlaneInfo,
  admin: KubeClient,
  opts: HealOptions,
  planner: HealPlanner,
  say: (line: string) => void,
): Promise<HealFigures> {
  const namespace = healNamespace(planner);
  const names = ['warm', ...Array.from({ length: opts.alerts }, (_, i) => `app-${i}`)];
  const tracks = new Map<string, Track>(names.map((name) => [name, { name, marks: { posted: 0 }, crashed: false }]));
  const token = randomBytes(24).toString('hex');
  const certDir = mkdtempSync(join(tmpdir(), 'bosun-bench-heal-certs-'));
  const began = Date.now();
  let op: RunningOperator | undefined;
  let am: Alertmanager | undefined;
  let model: FakeProvider | undefined;
  const stops: (() => Promise<void>)[] = [];
  try {
    await createNamespace(admin, namespace);
    // room for this run's pods and the last run's while they go
    const added = nodesFor(cp.kubeconfigs.admin, 2 * names.length);
    if (added) say(`${planner}: ${added} KWOK nodes added (${NODE_PODS} pods each)`);
    setUpNamespace(cp.kubeconfigs.admin, namespace, names, { verifySeconds: opts.verifySeconds, planner });
    if (planner === 'llm') {
      model = await startFakeProvider('anthropic');
      model.respond = rollbackReplies(GOOD_REVISION);
      setUpModelProvider(cp.kubeconfigs.admin, namespace, model.baseURL, API_KEY);
    }
    await admin.delete(core.secrets, OPERATOR_NAMESPACE, INTAKE_SECRET).catch(() => {});
    await admin.create(core.secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: INTAKE_SECRET, namespace: OPERATOR_NAMESPACE },
      stringData: { alertmanager: token },
    });
    await deploymentsAre(admin, namespace, names, 'rolled out', (d) => imageOf(d) === GOOD_IMAGE && rolledOut(d));

    makeWebhookCerts(certDir);
    const port = await freePort();
    op = await startOperator({
      cp,
      identity: `bench-heal-${planner}`,
      namespace,
      args: [
        '--leader-elect=false',
        '--webhook-addr',
        `127.0.0.1:${port}`,
        '--webhook-cert-dir',
        certDir,
        '--alert-intake-secret',
        INTAKE_SECRET,
        ...(opts.workers ? ['--workers', String(opts.workers)] : []),
      ],
    });
    const alertmanager = await startAlertmanager({
      webhookUrl: `https://127.0.0.1:${port}/alertmanager`,
      token,
      caPem: readFileSync(join(certDir, 'ca.crt'), 'utf8'),
    });
    am = alertmanager;

    // as Prometheus would once the fix is in: the alert resolves when the rollback has rolled out
    const resolve = (t: Track) => {
      t.resolving = alertmanager.resolve([t.alert as PostedAlert]).catch((err: unknown) => {
        say(`could not resolve the alert for ${t.name}: ${String(err)}`);
      });
    };
    const on = follow(tracks, resolve);
    const deployments = await watchObjects(admin, core.deployments, namespace, on.deployment);
    stops.push(deployments.stop);
    const remediations = await watchObjects<RemediationView>(admin, remediationResource, namespace, on.remediation);
    stops.push(remediations.stop);

    for (const name of names)
      await admin.patch(
        core.deployments,
        namespace,
        name,
        {
          spec: { template: { spec: { containers: [{ name: 'app', image: CRASH_IMAGE }] } } },
        },
        { strategic: true },
      );
    for (const t of tracks.values()) t.crashed = true;
    await crashLooping(admin, namespace, names);
    say(
      `${planner}: ${names.length} Deployments crash-looping in ${namespace} (one warm-up); alerts go out ` +
        `${opts.gapMs} ms apart; the operator runs ${opts.workers ?? 'its default'} workers per controller`,
    );

    const warm = tracks.get('warm') as Track;
    await post(alertmanager, namespace, warm);
    if (!(await ended([warm], opts.verifySeconds * 1000 + 180_000)))
      throw new Error(`the warm-up heal did not end (${warm.phase ?? 'no Remediation'}):\n${op.log(60)}`);

    const measured = names.slice(1).map((n) => tracks.get(n) as Track);
    const callsBefore = model?.requests.length ?? 0;
    for (const [i, t] of measured.entries()) {
      if (i) await sleep(opts.gapMs);
      await post(alertmanager, namespace, t);
    }
    if (!(await ended(measured, opts.verifySeconds * 1000 + 300_000)))
      say(`not every heal ended: ${measured.filter((t) => !TERMINAL.includes(t.phase ?? '')).length} still open`);
    await Promise.all(measured.map((t) => t.resolving));
    const operator = operatorFigures(await op.metrics(), 'remediation');

    const timings = measured.map((t) => healTiming(t.marks)).filter((x): x is HealTiming => x !== undefined);
    const notHealed: Record<string, number> = {};
    for (const t of measured.filter((x) => x.marks.healed === undefined)) {
      const key = `${t.phase ?? 'no Remediation'}${t.why ? ` (${t.why})` : ''}`;
      notHealed[key] = (notHealed[key] ?? 0) + 1;
    }
    const late = timings.filter((x) => x.resolvedLateMs > 0);
    const elapsedMs = Date.now() - began;
    say(`${planner}: ${Math.round(elapsedMs / 1000)} s in all, its set-up included`);
    return {
      planner,
      alerts: opts.alerts,
      healed: timings.length,
      notHealed,
      gapMs: opts.gapMs,
      ...healRate(measured.map((t) => t.marks)),
      elapsedMs,
      verifySeconds: opts.verifySeconds,
      own: summary(timings.map((x) => x.ownMs)),
      total: summary(timings.map((x) => x.totalMs)),
      rollout: summary(timings.map((x) => x.rolloutMs)),
      window: summary(timings.map((x) => x.windowMs)),
      toRollback: summary(timings.map((x) => x.toRollbackMs)),
      notice: summary(timings.map((x) => x.noticeMs)),
      close: summary(timings.map((x) => x.closeMs)),
      toPlan: summary(timings.map((x) => x.toPlanMs)),
      intake: summary(timings.map((x) => x.intakeMs)),
      resolvedLate: late.length,
      resolvedLateMax: late.length ? Math.max(...late.map((x) => x.resolvedLateMs)) : 0,
      creationSkew: summary(
        measured.filter((t) => t.marks.opened && t.created).map((t) => (t.marks.opened ?? 0) - (t.created ?? 0)),
      ),
      ...(model && { modelCalls: model.requests.length - callsBefore }),
      operator,
      warmUp: healTiming(warm.marks),
    };
  } catch (err) {
    if (op) say(`the operator's last lines:\n${op.log(40)}`);
    if (am) say(`Alertmanager's last lines:\n${am.tail()}`);
    throw err;
  } finally {
    for (const stop of stops) await stop();
    await am?.stop();
    await op?.stop();
    await model?.close();
    await admin.delete(core.secrets, OPERATOR_NAMESPACE, INTAKE_SECRET).catch(() => {});
    // the next run's pods take the nodes' room
    removeDeployments(cp.kubeconfigs.admin, namespace);
    rmSync(certDir, { recursive: true, force: true });
  }
}

/** Reads the phase's size from the environment; undefined when it is to be skipped. */
export function healOptionsFromEnv(env = process.env): HealOptions | undefined {
  const alerts = Number(env.BOSUN_BENCH_HEAL_ALERTS ?? 100);
  if (!alerts) return undefined;
  return {
    alerts,
    verifySeconds: Number(env.BOSUN_BENCH_HEAL_VERIFY_SECONDS ?? 10),
    gapMs: Number(env.BOSUN_BENCH_HEAL_GAP_MS ?? 200),
    ...(env.BOSUN_BENCH_HEAL_WORKERS && { workers: Number(env.BOSUN_BENCH_HEAL_WORKERS) }),
  };
}
