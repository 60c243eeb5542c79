// The Helm chart's values (charts/bosun/values.yaml), as a zod schema: the one
// source of charts/bosun/values.schema.json (strict: a key the chart does not
// know fails `helm install` and `helm lint`, rather than being ignored).
import { z } from 'zod';

const Quantity = z.union([z.string().regex(/^[0-9.]+[a-zA-Z]*$/), z.number()]);
const Resources = z.strictObject({
  requests: z.record(z.string(), Quantity).optional(),
  limits: z.record(z.string(), Quantity).optional(),
});
const Labels = z.record(z.string(), z.string());
const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const Port = z.number().int().min(1).max(65535);
const Image = z.strictObject({
  repository: z.string().min(1),
  tag: z.string().describe('default: the chart appVersion'),
  digest: z
    .string()
    .regex(/^(sha256:[a-f0-9]{64})?$/)
    .describe('pins the image by digest when set'),
  pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
});

export const ChartValues = z.strictObject({
  image: Image,
  imagePullSecrets: z.array(z.strictObject({ name: Name })),
  replicas: z.number().int().min(1).describe('operator replicas: one leads, every one serves the webhook'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  resources: Resources,
  nodeSelector: Labels,
  tolerations: z.array(z.record(z.string(), z.unknown())),
  affinity: z.record(z.string(), z.unknown()),
  podAnnotations: Labels,
  priorityClassName: z.string(),
  extraEnv: z
    .array(z.strictObject({ name: z.string().regex(/^BOSUN_[A-Z0-9_]+$/), value: z.string() }))
    .describe('more `bosun run` settings as BOSUN_* variables (see `bosun run --help`)'),
  health: z.strictObject({ port: Port }),
  crds: z.strictObject({
    enabled: z.boolean().describe('install and upgrade the CRDs with the release'),
    keep: z.boolean().describe('keep the CRDs (and so every Bosun object) when the release is uninstalled'),
  }),
  webhook: z.strictObject({
    port: Port,
    certHosts: z.array(z.string().min(1)).describe('more names or IPs in the self-made serving certificate'),
  }),
  certManager: z.strictObject({
    enabled: z.boolean().describe('cert-manager issues the webhook certificate instead of the operator'),
  }),
  etcd: z.strictObject({
    endpoints: z.string().min(1).describe("Bosun's own etcd, comma-separated URLs"),
    clientCertSecret: z
      .string()
      .describe('a kubernetes.io/tls Secret with ca.crt, tls.crt and tls.key: mTLS to etcd (https endpoints)'),
    internal: z.strictObject({
      enabled: z.boolean().describe("run Bosun's etcd in the release: a 3-member StatefulSet with PVCs"),
      image: z.string().min(1),
      storage: Quantity,
    }),
  }),
  runner: z.strictObject({
    enabled: z.boolean().describe('a pipeline runner Deployment beside the operator'),
    keySecret: Name.describe('the Secret holding each runner key by runner name (the operator reads it too)'),
  }),
  metrics: z.strictObject({
    serviceMonitor: z.strictObject({
      enabled: z.boolean(),
      interval: z.string().regex(/^[0-9]+[smh]$/),
      labels: Labels,
    }),
  }),
  prometheusRule: z.strictObject({ enabled: z.boolean(), labels: Labels }),
  grafanaDashboard: z.strictObject({
    enabled: z.boolean().describe("the dashboard as a ConfigMap for Grafana's sidecar"),
    labels: Labels,
  }),
});
export type ChartValues = z.infer<typeof ChartValues>;

/** values.schema.json: draft-07, as Helm validates it. */
export function valuesSchema(): string {
  const schema = z.toJSONSchema(ChartValues, { target: 'draft-7' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
