// The report stage: a stage whose agent is `report` (and that names no
// command) tells how the run went, usually as a finally stage once the others
// are over. It reads the run from the cache, judges it by its other stages
// (src/notify/report.ts), and tells each of the stage's notify targets: a
// Slack webhook when the run's event is in the target's `on`, GitHub commit
// statuses always. Each target's Secret is read when it is needed, and every
// value read is registered with the log's masker before it is used. The
// stage succeeds when every target took the report, and fails naming the
// target and what to fix when one did not.
//
// Idempotency: the step journal calls ensure() again only after a crash in the
// middle of a call, and then the report is sent again: a second Slack message
// is acceptable, and commit statuses are set to the same state again (GitHub
// keeps the latest per context), so nothing more is kept to prevent it.
import { BosunError, errorMessage, hasCode } from '../../api/errors.js';
import { timestamp } from '../../api/v1alpha1/common.js';
import type { NotifyTarget, Pipeline } from '../../api/v1alpha1/pipeline.js';
import type { PipelineRun } from '../../api/v1alpha1/pipeline-run.js';
import { buildReport, sendCommitStatuses, sendSlack, type RunReport } from '../../notify/index.js';
import { CREDENTIAL_PATTERNS, Redactor } from '../../redact/index.js';
import type { SecretSink } from '../../telemetry/logger.js';
import type { StageBackend, StageProgress } from '../../tools/pipeline/stage.js';

/** Each call to Slack or GitHub gives up after this long, unless the deps say otherwise. */
export const REPORT_TIMEOUT_MS = 10_000;

export interface ReportBackendDeps {
  /** the run, from the informer cache */
  getRun(namespace: string, name: string): PipelineRun | undefined;
  /** its Pipeline, from the informer cache (for the halt count) */
  getPipeline(namespace: string, name: string): Pipeline | undefined;
  /** a Secret's data as the API gives it (base64 values); throws the kube layer's coded errors */
  readSecret(namespace: string, name: string): Promise<Readonly<Record<string, string>>>;
  /** every Secret value read is added here before it is used, so that no log line shows it */
  secrets: SecretSink;
  now(): Date;
  /** per call to Slack or GitHub; default REPORT_TIMEOUT_MS */
  timeoutMs?: number;
  /** Bosun's namespace, to say how a namespace lets Bosun read its Secrets; default bosun-system */
  operatorNamespace?: string;
}

type SecretKeyRef = NotifyTarget['secretRef'];

const detail = (err: unknown) => errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '');
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Why a Secret could not be used, said so that the namespace's admin can fix it. */
function unreadable(err: unknown, secret: string, ref: SecretKeyRef, namespace: string, operatorNs: string) {
  if (hasCode(err, 'BOSUN_ERR_KUBE_FORBIDDEN'))
    return (
      `Bosun may not read ${secret}: bind the ClusterRole bosun-secret-reader to Bosun in namespace ${namespace} ` +
      `(kubectl create rolebinding bosun-secret-reader -n ${namespace} --clusterrole=bosun-secret-reader ` +
      `--serviceaccount=${operatorNs}:bosun)`
    );
  if (hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) return `${secret} does not exist: create it with the key ${ref.key}`;
  return `could not read ${secret}: ${detail(err)}`;
}

/** What one target was told, or why not. */
type Told = { ok: true; said: string } | { ok: false; said: string; why: string };

export function reportBackend(deps: ReportBackendDeps): StageBackend {
  const timeoutMs = deps.timeoutMs ?? REPORT_TIMEOUT_MS;
  const operatorNs = deps.operatorNamespace ?? 'bosun-system';

  return {
    async ensure(_ctx, work) {
      const { params, namespace } = work;
      const startedAt = timestamp(deps.now());
      const end = (outcome: 'succeeded' | 'failed', reason: string, details: string[] = []): StageProgress => ({
        state: 'ended',
        outcome,
        exitCode: null,
        reason: cut(reason, 1024),
        ...(details.length && {
          findings: { summary: cut(reason, 512), details: details.slice(0, 10).map((d) => cut(d, 256)) },
        }),
        startedAt,
        finishedAt: timestamp(deps.now()),
      });

      const run = deps.getRun(namespace, params.run.name);
      if (!run || (run.metadata.uid !== undefined && run.metadata.uid !== params.run.uid))
        return end('failed', `PipelineRun ${namespace}/${params.run.name} is gone: there is no run to report`);
      const targets = params.notify ?? [];
      if (!targets.length) return end('succeeded', 'nothing to tell: the Pipeline has no notify targets');
      const pipeline = deps.getPipeline(namespace, params.pipeline);
      const apiUrl = targets.find((t) => t.type === 'github-status')?.apiUrl;
      const report = buildReport({ run, pipeline, self: params.stage, apiUrl });

      // what leaves is redacted: the credential formats, and every value read below
      const redactor = new Redactor(CREDENTIAL_PATTERNS);
      const secrets = new Map<string, Promise<Readonly<Record<string, string>>>>();
      const credential = async (ref: SecretKeyRef): Promise<string> => {
        const secret = `Secret ${namespace}/${ref.name}`;
        const read = secrets.get(ref.name) ?? deps.readSecret(namespace, ref.name);
        secrets.set(ref.name, read);
        let data: Readonly<Record<string, string>>;
        try {
          data = await read;
        } catch (err) {
          throw new BosunError('BOSUN_ERR_NOTIFY', unreadable(err, secret, ref, namespace, operatorNs));
        }
        const value = Buffer.from(data[ref.key] ?? '', 'base64').toString('utf8');
        if (value.trim()) {
          deps.secrets.add(value.trim()); // before any use: a log line about what follows must not show it
          redactor.addSecret(value.trim());
        }
        if (!value.trim())
          throw new BosunError('BOSUN_ERR_NOTIFY', `${secret} has no key ${ref.key}, or it is empty: put it there`);
        return value.trim();
      };

      const tell = async (t: NotifyTarget): Promise<Told> => {
        const ref = { ...t.secretRef, namespace };
        try {
          if (t.type === 'slack') {
            if (!t.on.includes(report.event)) return { ok: true, said: `not told (${report.event} is not in its on)` };
            await sendSlack(report, { url: await credential(t.secretRef), secret: ref, timeoutMs, redactor });
            return { ok: true, said: `told (${report.event})` };
          }
          if (!params.github)
            return { ok: false, said: 'not told', why: 'the Pipeline names no spec.source.github (owner/name)' };
          const n = await sendCommitStatuses(report, {
            repository: params.github,
            sha: run.spec.revision,
            token: await credential(t.secretRef),
            apiUrl: t.apiUrl,
            secret: ref,
            timeoutMs,
            redactor,
          });
          return { ok: true, said: `${n} statuses on ${run.spec.revision.slice(0, 7)}` };
        } catch (err) {
          return { ok: false, said: 'not told', why: redactor.redact(detail(err)).text };
        }
      };

      const told: { label: string; result: Told }[] = [];
      for (const [i, t] of targets.entries()) {
        const same = targets.filter((x) => x.type === t.type).length > 1;
        told.push({ label: same ? `${t.type} #${i + 1}` : t.type, result: await tell(t) });
      }
      const details = told.map(({ label, result }) => `${label}: ${result.said}`);
      const failed = told.flatMap(({ label, result }) => (result.ok ? [] : [`${label}: ${result.why}`]));
      if (failed.length) return end('failed', failed.join('; '), details);
      return end('succeeded', `reported ${verdict(report)}: ${details.join(', ')}`, details);
    },
    async cancel() {
      // nothing runs in the background: a report is sent within ensure() or not at all
    },
  };
}

const verdict = (r: RunReport) => (r.event === 'halt' ? 'a halt' : `a ${r.event}`);
