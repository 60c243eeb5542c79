// The pod-state watcher: in namespaces labelled bosun.dev/heal=enabled, a
// workload whose pods crash-loop, cannot pull their image, or are OOM-killed
// opens a Remediation (through the intake, one per workload and kind of
// trouble; each failing revision is an occurrence). Runs on the leader.
import { errorMessage } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { podTrouble, type PodObject, type PodTrouble } from '../../agents/heal/pod.js';
import type { KubeClient } from '../../kube/client.js';
import { core } from '../../kube/resources.js';
import { Controller } from '../../runtime/controller.js';
import { Informer } from '../../runtime/informer.js';
import type { Manager } from '../../runtime/manager.js';
import { informerMetrics } from '../../runtime/observers.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { ownerOf, type Issue } from './intake.js';

export const HEAL_LABEL = 'bosun.dev/heal';
export const POD_WATCH = 'pod-state';

/** What a trouble is called in a Remediation's issue. */
const SUMMARY: Record<PodTrouble['kind'], string> = {
  CrashLoop: 'crash-looping',
  OOMKilled: 'OOM-killed',
  ImagePull: 'failing to pull its image',
  StartError: 'failing to start',
};

/** The issue a failing pod reports, or none. Pure. */
export function podIssue(
  pod: PodObject,
  target: Issue['target'],
  now: Date,
): (Omit<Issue, 'occurrence'> & { revision: string }) | undefined {
  const trouble = podTrouble(pod, now);
  if (!trouble) return undefined;
  const namespace = pod.metadata.namespace ?? '';
  const revision =
    pod.metadata.labels?.['pod-template-hash'] ?? pod.metadata.labels?.['controller-revision-hash'] ?? '';
  return {
    namespace,
    fingerprint: `pod-state/${target.kind}/${target.name}/${trouble.kind}`,
    source: 'pod-state',
    summary: `${target.kind} ${target.name}: pods are ${SUMMARY[trouble.kind]} (${trouble.reason})`,
    severity: 'warning',
    target,
    symptoms: [
      `pod ${trouble.pod} container ${trouble.container}: ${trouble.reason}` +
        `${trouble.exitCode !== undefined ? ` (exit ${trouble.exitCode})` : ''}, ${trouble.restartCount} restart(s)`,
    ],
    revision,
  };
}

export interface PodWatchOptions {
  manager: Manager;
  client: KubeClient;
  log: Logger;
  metrics: Metrics;
  namespace?: string;
  report: (issue: Issue) => Promise<unknown>;
  now?: () => Date;
}

const NAMESPACE_TTL_MS = 30_000;
const REPORT_EVERY_MS = 30_000;

export function setupPodStateWatcher(opts: PodWatchOptions) {
  const log = opts.log.child({ controller: POD_WATCH });
  const now = opts.now ?? (() => new Date());
  const informer = new Informer({
    client: opts.client,
    resource: core.pods,
    namespace: opts.namespace,
    log,
    observer: informerMetrics(opts.metrics, 'pods'),
    resyncMs: 0,
  });
  const enabled = new Map<string, { on: boolean; at: number }>();
  const healEnabled = async (namespace: string) => {
    const seen = enabled.get(namespace);
    if (seen && Date.now() - seen.at < NAMESPACE_TTL_MS) return seen.on;
    const ns = await opts.client.tryGet<KubeObject>(core.namespaces, undefined, namespace);
    const on = ns?.metadata.labels?.[HEAL_LABEL] === 'enabled';
    enabled.set(namespace, { on, at: Date.now() });
    return on;
  };
  /** the last report per occurrence: a crash loop updates its pod often, one report in a while is enough */
  const reported = new Map<string, number>();

  const controller = new Controller({
    name: POD_WATCH,
    log,
    metrics: opts.metrics,
    reconcile: async (key) => {
      const pod = informer.getByKey(key) as PodObject | undefined;
      const namespace = pod?.metadata.namespace ?? '';
      if (!pod || pod.metadata.deletionTimestamp || !(await healEnabled(namespace))) return;
      if (!podTrouble(pod, now())) return;
      const target = await ownerOf(opts.client, namespace, pod);
      const issue = target && podIssue(pod, target, now());
      if (!issue) return;
      const id = `${issue.target.name}/${issue.revision}`;
      const once = `${namespace}/${issue.fingerprint}/${id}`;
      if (Date.now() - (reported.get(once) ?? 0) < REPORT_EVERY_MS) return;
      const at = now().toISOString();
      const first = pod.metadata.creationTimestamp ?? at;
      const { revision: _r, ...rest } = issue;
      try {
        await opts.report({ ...rest, occurrence: { id, firstSeenAt: first, lastSeenAt: at, state: 'firing' } });
        reported.set(once, Date.now());
        if (reported.size > 4096) reported.delete(reported.keys().next().value ?? '');
      } catch (err) {
        log.warn({ namespace, pod: pod.metadata.name, err: errorMessage(err) }, 'could not report a failing pod');
        throw err;
      }
    },
  });
  const keyOf = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;
  informer.addHandlers({
    onAdd: (p) => controller.enqueue(keyOf(p)),
    onUpdate: (_o, p) => controller.enqueue(keyOf(p)),
  });
  opts.manager.addInformer(informer);
  opts.manager.addController(controller);
  return { informer, controller };
}
