// What `bosun run` can be told, as one zod schema: its flags and their BOSUN_* variables (src/cli/config.ts
// maps them), checked before the composition root (main.ts) starts anything.
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_MODEL_ENDPOINTS } from './llm/endpoints.js';
import { etcdTlsFlags } from './store/etcd-tls.js';
import { webhookCertFlags } from './webhooks/certs/flags.js';

/** Everything `bosun run` can be told (flags or BOSUN_* variables; see src/cli/config.ts). */
const seconds = (d: number) => z.coerce.number().int().min(0).max(86400).default(d);
const bool = (d: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
    .default(d)
    .transform((v) => v === true || v === 'true' || v === '1');

export const RunConfig = z.object({
  kubeconfig: z
    .string()
    .min(1)
    .optional()
    .describe('kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)'),
  etcdEndpoints: z
    .string()
    .min(1, "is required: Bosun's own etcd, for example http://127.0.0.1:2379 (https:// for TLS)")
    .transform((s) => s.split(',').map((e) => e.trim()))
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  ...etcdTlsFlags,
  namespace: z.string().optional().describe('watch one namespace (default: all)'),
  leaderElect: bool(true),
  operatorNamespace: z
    .string()
    .default('bosun-system')
    .describe("the operator's namespace: its Lease and the cluster-default RiskPolicy live there"),
  leaseNamespace: z.string().optional(),
  leaseName: z.string().default('bosun-operator'),
  identity: z.string().min(1).default(`${hostname()}-${process.pid}`),
  leaseDurationSeconds: seconds(15),
  renewDeadlineSeconds: seconds(10),
  retryPeriodSeconds: seconds(2),
  healthAddr: z
    .string()
    .regex(/^[^:]*:\d{1,5}$/, 'must be host:port')
    .default('127.0.0.1:8080'),
  workers: z.coerce.number().int().min(1).max(64).default(4),
  resyncSeconds: seconds(600),
  shutdownTimeoutSeconds: seconds(10),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  webhookAddr: z
    .string()
    .regex(/^[^:]*:\d{1,5}$/, 'must be host:port')
    .optional()
    .describe('serve the admission webhook here (HTTPS)'),
  webhookCertDir: z
    .string()
    .optional()
    .describe(
      "folder with tls.crt and tls.key for the admission webhook (cert-manager's Secret, mounted; " +
        'read again when it changes); or --webhook-cert-secret',
    ),
  ...webhookCertFlags,
  executorServiceAccount: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a ServiceAccount name')
    .default('bosun-executor')
    .describe('the ServiceAccount, in each target namespace, whose short-lived tokens every write of a plan uses'),
  modelEndpoints: z
    .string()
    .default(DEFAULT_MODEL_ENDPOINTS.join(','))
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ })))
    .describe(
      "where a ModelProvider's baseURL may point: scheme://host[:port][/path], comma-separated " +
        '(no port: any; a path: a prefix); anything else is refused before a call',
    ),
  intakeRequester: z
    .string()
    .optional()
    .describe(
      'who asks for the heals of alerts and failing pods, as a username whose RBAC bounds them ' +
        '(default: system:serviceaccount:<operator-namespace>:bosun-healer)',
    ),
  alertIntakeSecret: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Secret name')
    .optional()
    .describe(
      "serve Alertmanager's webhook at /alertmanager, accepting the bearer tokens this Secret " +
        "(in the operator's namespace) holds as values; needs --webhook-addr",
    ),
  runnerSecret: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Secret name')
    .optional()
    .describe(
      "serve the pipeline runners' endpoints at /runner/*: this Secret (in the operator's namespace) holds one " +
        "HMAC key per runner, keyed by the runner's name (32 bytes or more); needs --webhook-addr",
    ),
  githubWebhookSecret: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Secret name')
    .optional()
    .describe(
      "serve GitHub's push webhook at /github: key 'secret' of this Secret (in the operator's namespace) is " +
        "the webhook's secret (16 characters or more); a push starts runs of its repository's Pipelines; " +
        'needs --webhook-addr',
    ),
  operatorUser: z
    .string()
    .optional()
    .describe(
      "Bosun's own username, which may never decide on an Approval " +
        '(default: system:serviceaccount:<operator-namespace>:bosun)',
    ),
});
export type RunConfig = z.infer<typeof RunConfig>;
