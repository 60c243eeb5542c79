// The chart and config/ are one install: the real helm lints and renders the
// chart, kubectl renders the kustomizations, and the two must hold the same
// objects and the same operator Deployment.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ChartValues } from './values.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const chart = join(root, 'charts', 'bosun');
const helmBin = () => {
  const bin = process.env.BOSUN_HELM;
  if (!bin) throw new Error('BOSUN_HELM is not set: run hack/build-helm.sh and export its output as BOSUN_HELM');
  return bin;
};
const helm = (...args: string[]) => execFileSync(helmBin(), args, { encoding: 'utf8', stdio: 'pipe' });
const kustomize = (dir: string) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
const objects = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => !!o?.kind);
const keys = (objs: Obj[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const render = (...args: string[]) =>
  objects(helm('template', 'bosun', chart, '-n', 'bosun-system', '--kube-version', '1.35.4', ...args));

type Container = Record<string, unknown> & { env: { name: string }[] };
type PodSpec = Record<string, unknown> & { containers: Container[] };
const podSpec = (o: Obj | undefined) =>
  (o?.spec as { template: { spec: PodSpec } } | undefined)?.template.spec ?? ({ containers: [] } as never);

// each case runs helm: seconds each, more on a loaded machine
describe('charts/bosun', { timeout: 60_000 }, () => {
  const ci = readdirSync(join(chart, 'ci')).filter((f) => f.endsWith('-values.yaml'));

  it('lints strictly with the default values and with each ci/*-values.yaml', () => {
    expect(ci.length).toBeGreaterThanOrEqual(3);
    for (const values of [undefined, ...ci]) {
      const args = values ? ['-f', join(chart, 'ci', values)] : [];
      expect(helm('lint', '--strict', chart, '--kube-version', '1.35.4', ...args)).toMatch(/0 chart\(s\) failed/);
    }
  });

  it('has values that its own schema accepts, and refuses a key it does not know', () => {
    expect(ChartValues.safeParse(parse(readFileSync(join(chart, 'values.yaml'), 'utf8'))).error).toBeUndefined();
    const bad = join(mkdtempSync(join(tmpdir(), 'bosun-chart-')), 'bad-values.yaml');
    writeFileSync(bad, 'etcd: { endpoint: http://typo:2379 }\n');
    expect(() => render('-f', bad)).toThrow(/additional properties 'endpoint' not allowed/);
  });

  it("renders the objects config/default and the etcd component hold (the Namespace is the release's)", () => {
    const dir = mkdtempSync(join(root, 'config', '.test-overlay-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [../default]\ncomponents: [../components/etcd]\n');
      const fromConfig = objects(kustomize(dir)).filter((o) => o.kind !== 'Namespace');
      expect(keys(render())).toEqual(keys(fromConfig));
    } finally {
      execFileSync('rm', ['-rf', dir]);
    }
  });

  it('runs the operator Deployment of config/manager: same settings, probes, ports and hardening', () => {
    const fromConfig = podSpec(
      objects(kustomize(join(root, 'config', 'default'))).find((o) => o.kind === 'Deployment'),
    );
    const fromChart = podSpec(render().find((o) => o.kind === 'Deployment'));
    const strip = (c: Container | undefined) => ({ ...c, image: undefined });
    expect(strip(fromChart.containers[0])).toEqual(strip(fromConfig.containers[0]));
    const { containers: _a, ...chartPod } = fromChart;
    const { containers: _b, ...configPod } = fromConfig;
    expect(chartPod).toEqual(configPod);
  });

  it('with cert-manager, mounts its Secret instead of making one, like the cert-manager component', () => {
    const overlay = objects(kustomize(join(root, 'config', 'overlays', 'full')));
    const chartObjs = render('--set', 'certManager.enabled=true');
    const env = (objs: Obj[]) =>
      podSpec(objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'bosun-operator'))
        .containers[0]?.env.map((e) => e.name)
        .filter((n) => n.startsWith('BOSUN_WEBHOOK'));
    expect(env(chartObjs)).toEqual(['BOSUN_WEBHOOK_ADDR', 'BOSUN_WEBHOOK_CERT_DIR']);
    expect(env(overlay)?.sort()).toEqual(['BOSUN_WEBHOOK_ADDR', 'BOSUN_WEBHOOK_CERT_DIR']);
    for (const objs of [overlay, chartObjs]) {
      expect(keys(objs)).toEqual(expect.arrayContaining(['Certificate/bosun-webhook', 'Issuer/bosun-selfsigned']));
      const hook = objs.find((o) => o.kind === 'ValidatingWebhookConfiguration') as unknown as {
        metadata: { annotations?: Record<string, string> };
      };
      expect(hook.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('bosun-system/bosun-webhook');
    }
  });

  it('keeps the CRDs on uninstall unless told otherwise, and leaves them out when disabled', () => {
    const crds = (objs: Obj[]) => objs.filter((o) => o.kind === 'CustomResourceDefinition');
    const policy = (o: Obj) =>
      (o.metadata as { annotations?: Record<string, string> }).annotations?.['helm.sh/resource-policy'];
    expect(crds(render()).map(policy)).toEqual(Array(7).fill('keep'));
    expect(crds(render('--set', 'crds.keep=false')).map(policy)).toEqual(Array(7).fill(undefined));
    expect(crds(render('--set', 'crds.enabled=false'))).toEqual([]);
  });
});
