// What `kubectl bosun list goals|remediations|pipelines|pipelineruns` prints: the
// work Bosun does in a namespace, one row each, the way `kubectl get` prints it (a NAMESPACE column
// first when the list spans namespaces). Pure: the clock is passed in.
import type { PipelineRun } from '../api/v1alpha1/pipeline-run.js';
import type { Pipeline } from '../api/v1alpha1/pipeline.js';
import type { RemediationView } from './remediation.js';
import { age, table } from './table.js';

export interface GoalRow {
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  spec: { intent?: { type?: string; target?: string }; goal?: string };
  status?: { phase?: string; risk?: string; progress?: string };
}

const withNamespace = (namespaces: boolean, head: string[], rows: { ns: string; cells: string[] }[]) =>
  table([namespaces ? ['NAMESPACE', ...head] : head, ...rows.map((r) => (namespaces ? [r.ns, ...r.cells] : r.cells))]);

/** Goals: phase, what they ask for, risk, progress, age. */
export function goalTable(items: readonly GoalRow[], now: Date, namespaces: boolean): string {
  return withNamespace(
    namespaces,
    ['NAME', 'PHASE', 'INTENT', 'TARGET', 'RISK', 'PROGRESS', 'AGE'],
    items.map((g) => ({
      ns: g.metadata.namespace,
      cells: [
        g.metadata.name,
        g.status?.phase ?? 'Pending',
        g.spec.intent?.type ?? (g.spec.goal ? 'free text' : '-'),
        g.spec.intent?.target ?? '-',
        g.status?.risk ?? '-',
        g.status?.progress ?? '-',
        age(g.metadata.creationTimestamp, now),
      ],
    })),
  );
}

/** Remediations: phase, the target, where the issue came from, how often it was seen, age. */
export function remediationTable(items: readonly RemediationView[], now: Date, namespaces: boolean): string {
  return withNamespace(
    namespaces,
    ['NAME', 'PHASE', 'TARGET', 'SOURCE', 'OCCURRENCES', 'AGE'],
    items.map((r) => ({
      ns: r.metadata.namespace,
      cells: [
        r.metadata.name,
        r.status?.phase ?? 'Pending',
        `${r.spec.targetRef.kind.toLowerCase()}/${r.spec.targetRef.name}`,
        r.spec.issue.source,
        String(r.status?.occurrences ?? '-'),
        age(r.metadata.creationTimestamp, now),
      ],
    })),
  );
}

/** PipelineRuns: their Pipeline, phase, stages done, the stage that failed, how long, age. */
export function pipelineRunTable(items: readonly PipelineRun[], now: Date, namespaces: boolean): string {
  return withNamespace(
    namespaces,
    ['NAME', 'PIPELINE', 'PHASE', 'STAGES', 'FAILED STAGE', 'DURATION', 'AGE'],
    items.map((r) => ({
      ns: r.metadata.namespace ?? '',
      cells: [
        r.metadata.name,
        r.spec.pipelineRef.name,
        r.status?.phase ?? 'Pending',
        r.status?.progress ?? '-',
        r.status?.failedStage ?? '-',
        r.status?.duration ?? '-',
        age(r.metadata.creationTimestamp, now),
      ],
    })),
  );
}

/** Pipelines: the last run and its phase, runs succeeded and failed, failures in a row, the halt, age. */
export function pipelineTable(items: readonly Pipeline[], now: Date, namespaces: boolean): string {
  return withNamespace(
    namespaces,
    ['NAME', 'LAST RUN', 'LAST PHASE', 'SUCCEEDED', 'FAILED', 'IN A ROW', 'HALTED SINCE', 'AGE'],
    items.map((p) => ({
      ns: p.metadata.namespace ?? '',
      cells: [
        p.metadata.name,
        p.status?.lastRun?.name ?? '-',
        p.status?.lastRun?.phase ?? '-',
        String(p.status?.successCount ?? 0),
        String(p.status?.failureCount ?? 0),
        String(p.status?.consecutiveFailures ?? 0),
        p.status?.halted?.since ?? '-',
        age(p.metadata.creationTimestamp, now),
      ],
    })),
  );
}
