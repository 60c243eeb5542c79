// Bosun's alert intake with a real Alertmanager: alerts posted to Alertmanager's
// API reach receive() through its webhook receiver (HTTPS, bearer token), firing
// and resolved, with Alertmanager's own fingerprint; a wrong token gets nothing in.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../hack/control-plane/wait.js';
import { createLogger } from '../../src/telemetry/logger.js';
import type { IntakeAlert } from '../../src/webhooks/alertmanager.js';
import { ALERTMANAGER_PATH, startAdmissionServer, type AdmissionServer } from '../../src/webhooks/server.js';
import { startAlertmanager, type Alertmanager } from '../support/alertmanager.js';
import { makeWebhookCerts, OPERATOR_USER } from '../support/webhook.js';

const TOKEN = 'bosun-intake-token-3f9c2a71d0e84b56';
const WRONG = 'not-the-intake-token-7a1e5c93b2d4';
const WAIT_MS = 60_000;

const certs = makeWebhookCerts();
const received: IntakeAlert[] = [];
const logged: string[] = [];
let server: AdmissionServer;
let alertmanager: Alertmanager;
let impostor: Alertmanager | undefined;

const named = (alertname: string) => received.filter((a) => a.labels.alertname === alertname);

beforeAll(async () => {
  server = await startAdmissionServer({
    addr: '127.0.0.1:0',
    certDir: certs.dir,
    operatorUser: OPERATOR_USER,
    decisions: { recordDecision: async () => {} },
    log: createLogger({
      level: 'info',
      destination: new Writable({ write: (chunk: Buffer, _e, cb) => (logged.push(chunk.toString()), cb()) }),
    }),
    alertmanager: {
      tokens: () => [TOKEN],
      receive: async (alerts) => void received.push(...alerts),
    },
  });
  const target = {
    webhookUrl: `https://127.0.0.1:${server.port}${ALERTMANAGER_PATH}`,
    caPem: readFileSync(join(certs.dir, 'ca.crt'), 'utf8'),
  };
  alertmanager = await startAlertmanager({ ...target, token: TOKEN });
  impostor = await startAlertmanager({ ...target, token: WRONG });
});

afterAll(async () => {
  await alertmanager?.stop();
  await impostor?.stop();
  await server?.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

describe('the alert intake with a real Alertmanager', () => {
  it('takes in an alert firing, resolved and firing again, with one fingerprint', async () => {
    const alert = {
      labels: { alertname: 'BosunIntakeCrashLoop', namespace: 'shop', deployment: 'web', severity: 'critical' },
      annotations: { summary: 'web is crash looping' },
      generatorURL: 'http://127.0.0.1:9090/graph',
    };
    const explain = () => alertmanager.tail();
    const firstStart = new Date();
    await alertmanager.post([{ ...alert, startsAt: firstStart }]);
    await until(
      'the firing alert to reach receive',
      async () => named(alert.labels.alertname).length >= 1,
      WAIT_MS,
      explain,
    );
    const [first] = named(alert.labels.alertname);
    expect(first).toMatchObject({
      status: 'firing',
      summary: 'web is crash looping',
      severity: 'critical',
      target: { namespace: 'shop', kind: 'Deployment', name: 'web' },
      generatorURL: alert.generatorURL,
    });
    expect(first?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(first).not.toHaveProperty('endsAt');

    await alertmanager.resolve([{ ...alert, startsAt: firstStart }]);
    const resolved = () => named(alert.labels.alertname).find((a) => a.status === 'resolved');
    await until('the resolved alert to reach receive', async () => resolved() !== undefined, WAIT_MS, explain);
    expect(resolved()?.fingerprint).toBe(first?.fingerprint);
    expect(resolved()?.endsAt).toBeDefined();

    await alertmanager.post([alert]);
    const firings = () => named(alert.labels.alertname).filter((a) => a.status === 'firing');
    await until('the second firing to reach receive', async () => firings().length >= 2, WAIT_MS, explain);
    expect(firings().map((a) => a.fingerprint)).toEqual([first?.fingerprint, first?.fingerprint]);
    expect(Date.parse(firings()[1]?.startsAt ?? '')).toBeGreaterThan(Date.parse(first?.startsAt ?? ''));
  });

  it('skips an alert it cannot place and passes nothing on', async () => {
    const alertname = 'BosunIntakeNoWorkload';
    await alertmanager.post([{ labels: { alertname, namespace: 'shop', job: 'node-exporter' } }]);
    // the only notification in this file with nothing accepted
    const skippedOne = () => logged.some((l) => l.includes('"accepted":0,"skipped":1'));
    await until(
      'the intake to read the notification',
      async () => skippedOne(),
      WAIT_MS,
      () => alertmanager.tail(),
    );
    expect(named(alertname)).toEqual([]);
  });

  it('refuses an Alertmanager with a wrong token (401), and receive is never called', async () => {
    const am = impostor;
    if (!am) throw new Error('the second Alertmanager did not start');
    const alertname = 'BosunIntakeImpostor';
    await am.post([{ labels: { alertname, namespace: 'shop', deployment: 'web' } }]);
    const authFailures = () =>
      am.metric('alertmanager_notifications_failed_total', { integration: 'webhook', reason: 'authError' });
    await until(
      'Alertmanager to report the 401',
      async () => (await authFailures()) >= 1,
      WAIT_MS,
      () => am.tail(),
    );
    expect(named(alertname)).toEqual([]);
    expect(logged.join('')).toMatch(/"status":401/);
  });

  it('never logs a token or an annotation', () => {
    const text = logged.join('');
    expect(text).toMatch(/notification received/);
    for (const secret of [TOKEN, WRONG, 'web is crash looping']) expect(text).not.toContain(secret);
  });
});
