// A real Prometheus Alertmanager on loopback (hack/build-alertmanager.sh builds
// it; hack/test.sh exports its path as BOSUN_ALERTMANAGER), with one receiver:
// a webhook to Bosun's alert intake over HTTPS with a bearer token. Each alert
// is its own group, notified at once, so that tests see every change quickly.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Component } from '../../hack/control-plane/component.js';
import { freePort, until } from '../../hack/control-plane/wait.js';

export interface AlertmanagerOptions {
  /** where the webhook posts, e.g. https://127.0.0.1:PORT/alertmanager */
  webhookUrl: string;
  /** the bearer token Alertmanager sends (written to a credentials_file) */
  token: string;
  /** PEM of the CA that signed the intake's serving certificate */
  caPem: string;
}

export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: Date;
  endsAt?: Date;
  generatorURL?: string;
}

export interface Alertmanager {
  url: string;
  /** POST /api/v2/alerts: Alertmanager takes these in as a Prometheus would send them */
  post(alerts: PostedAlert[]): Promise<void>;
  /** posts the alerts again with endsAt in the past: Alertmanager notifies them as resolved */
  resolve(alerts: PostedAlert[]): Promise<void>;
  /** the sum of a metric's samples whose labels include `labels` (0 when there is none) */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** the last lines of Alertmanager's log, for failure messages */
  tail(): string;
  stop(): Promise<void>;
}

/** The binary hack/build-alertmanager.sh printed; fails with what to do when it is missing. */
export function alertmanagerBinary(): string {
  const bin = process.env.BOSUN_ALERTMANAGER;
  if (!bin || !existsSync(bin)) {
    throw new Error(
      `Alertmanager not found (BOSUN_ALERTMANAGER=${bin ?? '(unset)'}): run the tests with hack/test.sh, ` +
        'or export BOSUN_ALERTMANAGER=$(hack/build-alertmanager.sh)',
    );
  }
  return bin;
}

/** Alertmanager's configuration: one webhook receiver; every alert its own group, notified at once. */
export function alertmanagerConfig(opts: { webhookUrl: string; tokenFile: string; caFile: string }) {
  return {
    route: {
      receiver: 'bosun',
      group_by: ['...'],
      group_wait: '100ms',
      group_interval: '500ms',
      repeat_interval: '24h',
    },
    receivers: [
      {
        name: 'bosun',
        webhook_configs: [
          {
            url: opts.webhookUrl,
            send_resolved: true,
            http_config: {
              authorization: { type: 'Bearer', credentials_file: opts.tokenFile },
              tls_config: { ca_file: opts.caFile },
            },
          },
        ],
      },
    ],
  };
}

const iso = (d: Date) => d.toISOString();

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<Alertmanager> {
  const bin = alertmanagerBinary();
  const dir = mkdtempSync(join(tmpdir(), 'bosun-alertmanager-'));
  mkdirSync(join(dir, 'data'));
  const [tokenFile, caFile, configFile] = [join(dir, 'token'), join(dir, 'ca.crt'), join(dir, 'alertmanager.yml')];
  writeFileSync(tokenFile, opts.token, { mode: 0o600 });
  writeFileSync(caFile, opts.caPem);
  // YAML is a superset of JSON
  writeFileSync(configFile, JSON.stringify(alertmanagerConfig({ webhookUrl: opts.webhookUrl, tokenFile, caFile })));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const component = new Component(
    'alertmanager',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // a single instance: no gossip, no cluster port
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    join(dir, 'alertmanager.log'),
  );
  component.start();
  const stop = async () => {
    await component.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      'Alertmanager /-/ready',
      async () => (await fetch(`${url}/-/ready`)).ok,
      30_000,
      () => component.tail(),
    );
  } catch (err) {
    await stop();
    throw err;
  }

  const post = async (alerts: PostedAlert[]) => {
    const body = alerts.map((a) => ({
      labels: a.labels,
      annotations: a.annotations ?? {},
      ...(a.startsAt && { startsAt: iso(a.startsAt) }),
      ...(a.endsAt && { endsAt: iso(a.endsAt) }),
      ...(a.generatorURL && { generatorURL: a.generatorURL }),
    }));
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
  };

  return {
    url,
    post,
    // in the past, yet not before the alert started (Alertmanager refuses that)
    resolve: (alerts) =>
      post(
        alerts.map((a) => ({ ...a, endsAt: new Date(Math.max(Date.now() - 1000, (a.startsAt?.getTime() ?? 0) + 1)) })),
      ),
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      return text
        .split('\n')
        .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
        .filter((line) => want.every((w) => line.includes(w)))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
    tail: () => component.tail(),
    stop,
  };
}
