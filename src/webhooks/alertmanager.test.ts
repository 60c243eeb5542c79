import { describe, expect, it } from 'vitest';
import { AlertMapping, AlertmanagerPayload, readAlerts, type AlertmanagerAlert } from './alertmanager.js';

/** One alert as Alertmanager v0.35 writes it (a firing alert's endsAt is Go's zero time). */
const alert = (over: Partial<AlertmanagerAlert> = {}): AlertmanagerAlert => ({
  status: 'firing',
  labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', deployment: 'web', severity: 'critical' },
  annotations: { summary: 'web is crash looping', description: 'Pod shop/web-1 restarted 5 times' },
  startsAt: '2026-11-26T17:02:03.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up',
  fingerprint: '0123456789abcdef',
  ...over,
});

/** A notification as it arrives on the wire, keys Bosun does not read included. */
const wire = (alerts: unknown[] = [alert()]) => ({
  receiver: 'bosun',
  status: 'firing',
  alerts,
  notification_reason: 'new_alerts',
  groupLabels: { alertname: 'KubePodCrashLooping' },
  commonLabels: { alertname: 'KubePodCrashLooping' },
  commonAnnotations: {},
  routeLabels: {},
  externalURL: 'http://alertmanager.example:9093',
  version: '4',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  truncatedAlerts: 0,
});

describe('AlertmanagerPayload', () => {
  it('reads a version 4 notification and passes over keys it does not know', () => {
    const p = AlertmanagerPayload.parse(wire());
    expect(p.alerts[0]?.fingerprint).toBe('0123456789abcdef');
    expect(p).not.toHaveProperty('notification_reason');
  });

  it.each([
    { why: 'another version', body: { ...wire(), version: '3' }, path: ['version'] },
    { why: 'no groupKey', body: { ...wire(), groupKey: undefined }, path: ['groupKey'] },
    { why: 'a negative truncatedAlerts', body: { ...wire(), truncatedAlerts: -1 }, path: ['truncatedAlerts'] },
    { why: 'an unknown group status', body: { ...wire(), status: 'pending' }, path: ['status'] },
    { why: 'a label that is not a string', body: wire([alert({ labels: { a: 1 } as never })]), path: ['alerts', 0] },
    { why: 'a short fingerprint', body: wire([alert({ fingerprint: 'abc' })]), path: ['alerts', 0, 'fingerprint'] },
    { why: 'a time that is not RFC 3339', body: wire([alert({ startsAt: 'yesterday' })]), path: ['alerts', 0] },
    { why: 'no alerts array', body: { ...wire(), alerts: {} }, path: ['alerts'] },
  ])('refuses $why', ({ body, path }) => {
    const r = AlertmanagerPayload.safeParse(body);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.slice(0, path.length)).toEqual(path);
  });

  it('reads times with an offset and any fraction, as Go writes them', () => {
    const times = ['2026-11-26T18:02:03+01:00', '2026-11-26T17:02:03.5Z', '2026-11-26T17:02:03Z'];
    for (const startsAt of times) expect(AlertmanagerPayload.safeParse(wire([alert({ startsAt })])).success).toBe(true);
  });
});

describe('readAlerts', () => {
  const read = (a: AlertmanagerAlert, mapping?: AlertMapping) =>
    readAlerts(AlertmanagerPayload.parse(wire([a])), mapping)[0];
  const labels = (l: Record<string, string>) => alert({ labels: l });

  it('makes an intake alert of a firing alert, without Go zero time for its end', () => {
    expect(read(alert())).toEqual({
      alert: {
        fingerprint: '0123456789abcdef',
        status: 'firing',
        summary: 'web is crash looping',
        severity: 'critical',
        target: { namespace: 'shop', kind: 'Deployment', name: 'web' },
        labels: alert().labels,
        startsAt: '2026-11-26T17:02:03.123456789Z',
        generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up',
      },
    });
  });

  it('keeps the end of a resolved alert and drops an empty generatorURL', () => {
    const r = read(alert({ status: 'resolved', endsAt: '2026-11-26T17:10:00Z', generatorURL: '' }));
    expect(r).toMatchObject({ alert: { status: 'resolved', endsAt: '2026-11-26T17:10:00Z' } });
    expect(r && 'alert' in r && r.alert).not.toHaveProperty('generatorURL');
  });

  it.each<{ why: string; l: Record<string, string>; kind: string; name: string }>([
    { why: 'a deployment label', l: { namespace: 'a', deployment: 'd', pod: 'p' }, kind: 'Deployment', name: 'd' },
    { why: 'a statefulset label', l: { namespace: 'a', statefulset: 's', pod: 'p' }, kind: 'StatefulSet', name: 's' },
    { why: 'a daemonset label', l: { namespace: 'a', daemonset: 'ds' }, kind: 'DaemonSet', name: 'ds' },
    { why: 'only a pod label', l: { namespace: 'a', pod: 'p-1' }, kind: 'Pod', name: 'p-1' },
    { why: 'an empty deployment label', l: { namespace: 'a', deployment: '', pod: 'p' }, kind: 'Pod', name: 'p' },
  ])('takes the workload from $why', ({ l, kind, name }) => {
    expect(read(labels(l))).toMatchObject({ alert: { target: { namespace: 'a', kind, name } } });
  });

  it.each<{ why: string; l: Record<string, string>; reason: RegExp }>([
    { why: 'no namespace label', l: { deployment: 'd' }, reason: /no namespace label/ },
    { why: 'an empty namespace label', l: { namespace: '', deployment: 'd' }, reason: /no namespace label/ },
    { why: 'no workload label', l: { namespace: 'a', job: 'j' }, reason: /no workload label \(deployment, / },
    { why: 'a namespace that is no name', l: { namespace: 'A B', pod: 'p' }, reason: /not a namespace name/ },
    { why: 'a workload that is no name', l: { namespace: 'a', pod: 'P/../x' }, reason: /pod label is not an object/ },
  ])('skips an alert with $why', ({ l, reason }) => {
    const r = read(labels(l));
    expect(r).toMatchObject({ skip: { fingerprint: '0123456789abcdef' } });
    expect(r && 'skip' in r && r.skip.reason).toMatch(reason);
  });

  it.each([
    { value: 'critical', severity: 'critical' },
    { value: 'Page', severity: 'critical' },
    { value: 'warning', severity: 'warning' },
    { value: 'info', severity: 'info' },
    { value: 'none', severity: 'info' },
    { value: 'whatever', severity: 'warning' },
    { value: undefined, severity: 'warning' },
  ])('maps severity $value to $severity', ({ value, severity }) => {
    const l: Record<string, string> = { namespace: 'a', pod: 'p', ...(value !== undefined && { severity: value }) };
    expect(read(labels(l))).toMatchObject({ alert: { severity } });
  });

  it.each<{ why: string; annotations: Record<string, string>; summary: string }>([
    { why: 'the summary', annotations: { summary: 's', description: 'd' }, summary: 's' },
    { why: 'the description without a summary', annotations: { summary: ' ', description: 'd' }, summary: 'd' },
    { why: 'the alert name without either', annotations: {}, summary: 'KubePodCrashLooping' },
  ])('summarises with $why', ({ annotations, summary }) => {
    expect(read(alert({ annotations }))).toMatchObject({ alert: { summary } });
  });

  it('cuts a long summary to what a Remediation holds', () => {
    const r = read(alert({ annotations: { summary: 'x'.repeat(5000) } }));
    expect(r && 'alert' in r && r.alert.summary.length).toBe(1024);
  });

  it('reads the labels a mapping names', () => {
    const mapping = AlertMapping.parse({
      namespaceLabel: 'exported_namespace',
      workloadLabels: [{ label: 'app', kind: 'Deployment' }],
      severityLabel: 'priority',
    });
    const l = { exported_namespace: 'n', namespace: 'monitoring', app: 'api', priority: 'info' };
    expect(read(labels(l), mapping)).toMatchObject({
      alert: { severity: 'info', target: { namespace: 'n', kind: 'Deployment', name: 'api' } },
    });
  });
});
