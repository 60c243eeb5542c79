// Alertmanager's webhook payload (version 4), read into the alerts Bosun can
// open a Remediation for. The wire format is Alertmanager's notify/webhook
// Message: template.Data (receiver, status, alerts, the group's labels and
// annotations, externalURL) plus version, groupKey and truncatedAlerts. Keys it
// added later (routeLabels, notification_reason) are read past, not required.
// Pure: which workload an alert is about comes from its labels, by a mapping.
import { z } from 'zod';
import { Label, Name } from '../api/v1alpha1/common.js';

/** An RFC 3339 time as Go writes it (fraction up to nanoseconds, `Z` or an offset). */
const GoTime = z.iso.datetime({ offset: true });
const KV = z.record(z.string(), z.string());
const AlertStatus = z.enum(['firing', 'resolved']);

export const AlertmanagerAlert = z.object({
  status: AlertStatus,
  labels: KV,
  annotations: KV,
  startsAt: GoTime,
  /** Go's zero time (0001-01-01T00:00:00Z) while the alert fires */
  endsAt: GoTime,
  generatorURL: z.string(),
  /** model.Fingerprint.String(): 16 lower-case hex digits */
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits'),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/** The webhook versions Bosun reads. */
export const ALERTMANAGER_WEBHOOK_VERSION = '4';

export const AlertmanagerPayload = z.object({
  version: z.literal(ALERTMANAGER_WEBHOOK_VERSION),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative(),
  status: AlertStatus,
  receiver: z.string(),
  groupLabels: KV,
  commonLabels: KV,
  commonAnnotations: KV,
  externalURL: z.string(),
  alerts: z.array(AlertmanagerAlert),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

export const WorkloadKind = z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']);
export type WorkloadKind = z.infer<typeof WorkloadKind>;

/** Which labels name an alert's namespace, workload and severity (kube-state-metrics' names by default). */
export const AlertMapping = z.object({
  namespaceLabel: z.string().min(1).default('namespace'),
  /** tried in order; the first label present names the workload, and its kind */
  workloadLabels: z
    .array(z.object({ label: z.string().min(1), kind: WorkloadKind }))
    .min(1)
    .default([
      { label: 'deployment', kind: 'Deployment' },
      { label: 'statefulset', kind: 'StatefulSet' },
      { label: 'daemonset', kind: 'DaemonSet' },
      { label: 'pod', kind: 'Pod' },
    ]),
  severityLabel: z.string().min(1).default('severity'),
});
export type AlertMapping = z.infer<typeof AlertMapping>;
export type AlertMappingInput = z.input<typeof AlertMapping>;

export const DEFAULT_ALERT_MAPPING: AlertMapping = AlertMapping.parse({});

export const IntakeSeverity = z.enum(['info', 'warning', 'critical']);
export type IntakeSeverity = z.infer<typeof IntakeSeverity>;

/** One alert Bosun takes in: what a Remediation's issue and targetRef are made from. */
export const IntakeAlert = z.object({
  fingerprint: z.string(),
  status: AlertStatus,
  summary: z.string().min(1).max(1024),
  severity: IntakeSeverity,
  target: z.object({ namespace: Label, kind: WorkloadKind, name: Name }),
  labels: KV,
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
});
export type IntakeAlert = z.infer<typeof IntakeAlert>;

export type AlertReading = { alert: IntakeAlert } | { skip: { fingerprint: string; reason: string } };

/** Severity label values as Prometheus rules commonly spell them; anything else is a warning. */
const SEVERITIES: Readonly<Record<string, IntakeSeverity>> = {
  critical: 'critical',
  page: 'critical',
  high: 'critical',
  error: 'critical',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
};

const severityOf = (value: string | undefined): IntakeSeverity =>
  (value !== undefined && SEVERITIES[value.trim().toLowerCase()]) || 'warning';

const SUMMARY_MAX = 1024;

function summaryOf(alert: AlertmanagerAlert): string {
  const text = [alert.annotations.summary, alert.annotations.description, alert.labels.alertname]
    .map((s) => s?.trim())
    .find((s) => s);
  const summary = text ?? `alert ${alert.fingerprint}`;
  return summary.length > SUMMARY_MAX ? `${summary.slice(0, SUMMARY_MAX - 1)}…` : summary;
}

/** Go's zero time: the alert has no end (yet). */
const isZeroTime = (t: string) => Date.parse(t) <= Date.parse('0001-01-01T00:00:00Z');

function readAlert(alert: AlertmanagerAlert, mapping: AlertMapping): AlertReading {
  const skip = (reason: string): AlertReading => ({ skip: { fingerprint: alert.fingerprint, reason } });
  const namespace = alert.labels[mapping.namespaceLabel];
  if (!namespace) return skip(`no ${mapping.namespaceLabel} label`);
  if (!Label.safeParse(namespace).success) return skip(`the ${mapping.namespaceLabel} label is not a namespace name`);
  const workload = mapping.workloadLabels.find((w) => alert.labels[w.label]);
  if (!workload) return skip(`no workload label (${mapping.workloadLabels.map((w) => w.label).join(', ')})`);
  const name = alert.labels[workload.label] ?? '';
  if (!Name.safeParse(name).success) return skip(`the ${workload.label} label is not an object name`);
  return {
    alert: {
      fingerprint: alert.fingerprint,
      status: alert.status,
      summary: summaryOf(alert),
      severity: severityOf(alert.labels[mapping.severityLabel]),
      target: { namespace, kind: workload.kind, name },
      labels: alert.labels,
      startsAt: alert.startsAt,
      ...(!isZeroTime(alert.endsAt) && { endsAt: alert.endsAt }),
      ...(alert.generatorURL && { generatorURL: alert.generatorURL }),
    },
  };
}

/** Each alert of the payload, in order: the alert Bosun takes in, or why it is skipped. */
export function readAlerts(
  payload: AlertmanagerPayload,
  mapping: AlertMapping = DEFAULT_ALERT_MAPPING,
): AlertReading[] {
  return payload.alerts.map((a) => readAlert(a, mapping));
}
