import { describe, expect, it } from 'vitest';
import { fieldDiff, looksSecret } from './diff.js';

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
}
interface Shape {
  replicas?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  containers?: Container[];
  rv?: string;
  status?: unknown;
}

/** A live Deployment as the API server returns it, bookkeeping included. */
const deployment = (s: Shape = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'team',
    uid: '0d7c0e3a-1111-2222-3333-444455556666',
    resourceVersion: s.rv ?? '1000',
    generation: 3,
    creationTimestamp: '2025-01-01T00:00:00Z',
    managedFields: [{ manager: 'kubectl', operation: 'Update', time: s.rv ?? '1000' }],
    labels: s.labels ?? { app: 'web' },
    annotations: s.annotations ?? { 'deployment.kubernetes.io/revision': s.rv ?? '1' },
  },
  spec: {
    replicas: s.replicas ?? 2,
    template: {
      metadata: { labels: { app: 'web' }, ...(s.podAnnotations ? { annotations: s.podAnnotations } : {}) },
      spec: {
        containers: s.containers ?? [
          { name: 'web', image: 'nginx:1.25' },
          { name: 'log', image: 'fluentbit:3' },
        ],
      },
    },
  },
  status: s.status ?? { readyReplicas: 2 },
});
const secret = (data: Record<string, string>, rv = '1') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: 'db',
    resourceVersion: rv,
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data }) },
  },
  type: 'Opaque',
  data,
});
const C = 'spec.template.spec.containers';
const RESTARTED = 'spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]';
const many = (n: number, prefix = 'k') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

describe('fieldDiff', () => {
  it.each([
    { why: 'nothing changes', before: deployment(), after: deployment(), want: [] },
    {
      why: 'bookkeeping (resourceVersion, managedFields, revision annotation, status) is noise',
      before: deployment(),
      after: deployment({ rv: '2000', status: { readyReplicas: 0, conditions: [] } }),
      want: [],
    },
    {
      why: 'a replicas change',
      before: deployment(),
      after: deployment({ replicas: 5 }),
      want: ['spec.replicas: 2 → 5'],
    },
    {
      why: 'an image change in a named container, whatever the container order',
      before: deployment(),
      after: deployment({
        containers: [
          { name: 'log', image: 'fluentbit:3' },
          { name: 'web', image: 'nginx:1.26' },
        ],
      }),
      want: [`${C}[web].image: nginx:1.25 → nginx:1.26`],
    },
    {
      why: 'a label added and one removed',
      before: deployment({ labels: { app: 'web', old: 'yes' } }),
      after: deployment({ labels: { app: 'web', tier: 'web' } }),
      want: ['- metadata.labels.old: yes', '+ metadata.labels.tier: web'],
    },
    {
      why: 'a rollout restart adds the restartedAt annotation to the pod template',
      before: deployment(),
      after: deployment({ podAnnotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T10:00:00Z' } }),
      want: [`+ ${RESTARTED}: 2025-06-01T10:00:00Z`],
    },
    {
      why: 'a second rollout restart changes it',
      before: deployment({ podAnnotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T10:00:00Z' } }),
      after: deployment({ podAnnotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-02T10:00:00Z' } }),
      want: [`${RESTARTED}: 2025-06-01T10:00:00Z → 2025-06-02T10:00:00Z`],
    },
    {
      why: 'a container added is shown whole, keyed by name',
      before: deployment({ containers: [{ name: 'web', image: 'nginx:1.25' }] }),
      after: deployment({
        containers: [
          { name: 'web', image: 'nginx:1.25' },
          { name: 'proxy', image: 'envoy:1' },
        ],
      }),
      want: [`+ ${C}[proxy]: {"name":"proxy","image":"envoy:1"}`],
    },
    {
      why: 'a Secret data change never shows the value, nor does last-applied-configuration',
      before: secret({ password: 'aHVudGVyMg==', user: 'YWRtaW4=' }),
      after: secret({ password: 'c3dvcmRmaXNo', host: 'ZGI=', user: 'YWRtaW4=' }, '2'),
      want: ['+ data.host: (secret value added)', 'data.password: (secret value changed)'],
    },
    {
      why: 'a Secret key removed says so without the value',
      before: secret({ password: 'aHVudGVyMg==' }),
      after: secret({}),
      want: ['- data.password: (secret value removed)'],
    },
    {
      why: 'an env var named DB_PASSWORD is masked, other env vars are not',
      before: deployment({
        containers: [{ name: 'web', image: 'x', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }],
      }),
      after: deployment({
        containers: [
          {
            name: 'web',
            image: 'x',
            env: [
              { name: 'DB_PASSWORD', value: 'swordfish' },
              { name: 'MODE', value: 'fast' },
            ],
          },
        ],
      }),
      want: [
        `${C}[web].env[DB_PASSWORD].value: (hidden value changed)`,
        `+ ${C}[web].env[MODE]: {"name":"MODE","value":"fast"}`,
      ],
    },
    {
      why: 'a secret env var added whole is masked inside',
      before: deployment({ containers: [{ name: 'web', image: 'x', env: [] }] }),
      after: deployment({ containers: [{ name: 'web', image: 'x', env: [{ name: 'API_TOKEN', value: 't0k3n' }] }] }),
      want: [`+ ${C}[web].env[API_TOKEN]: {"name":"API_TOKEN","value":"(hidden)"}`],
    },
    {
      why: 'a secret-looking key of a ConfigMap is masked',
      before: { kind: 'ConfigMap', metadata: { name: 'c' }, data: { apiKey: 'abc', mode: 'a' } },
      after: { kind: 'ConfigMap', metadata: { name: 'c' }, data: { apiKey: 'def', mode: 'b' } },
      want: ['data.apiKey: (hidden value changed)', 'data.mode: a → b'],
    },
    {
      why: 'a reference to a secret by name is shown',
      before: { kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [{ name: 'v', secret: { secretName: 'a' } }] } },
      after: { kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [{ name: 'v', secret: { secretName: 'b' } }] } },
      want: ['spec.volumes[v].secret.secretName: a → b'],
    },
    {
      why: 'an object under a secret-looking key is masked throughout, a scalar under `secret` too',
      before: { kind: 'X', metadata: { name: 'x' }, spec: { credentials: { user: 'a' }, secret: 's1' } },
      after: { kind: 'X', metadata: { name: 'x' }, spec: { credentials: { user: 'b' }, secret: 's2' } },
      want: ['spec.credentials.user: (hidden value changed)', 'spec.secret: (hidden value changed)'],
    },
    {
      why: 'a list without names is compared by index',
      before: { kind: 'Service', metadata: { name: 's' }, spec: { ports: [80, 443] } },
      after: { kind: 'Service', metadata: { name: 's' }, spec: { ports: [80, 8443, 9000] } },
      want: ['spec.ports[1]: 443 → 8443', '+ spec.ports[2]: 9000'],
    },
    {
      why: 'strings that would read as numbers are quoted, and types that change are shown',
      before: { kind: 'X', metadata: { name: 'x' }, spec: { a: '5', b: { c: 1 }, d: ' pad' } },
      after: { kind: 'X', metadata: { name: 'x' }, spec: { a: 5, b: [1], d: '' } },
      want: ['spec.a: "5" → 5', 'spec.b: {"c":1} → [1]', 'spec.d: " pad" → ""'],
    },
    { why: 'a create', before: undefined, after: deployment(), want: ['created deployment/web'] },
    { why: 'a create of a Secret shows no data', before: null, after: secret({ a: 'b' }), want: ['created secret/db'] },
    { why: 'a delete', before: deployment(), after: undefined, want: ['deleted deployment/web'] },
    {
      why: 'a long value is cut to maxValueLength',
      before: { kind: 'X', metadata: { name: 'x' }, spec: { s: 'a' } },
      after: { kind: 'X', metadata: { name: 'x' }, spec: { s: 'b'.repeat(500) } },
      want: [`spec.s: a → ${'b'.repeat(119)}…`],
    },
    {
      why: 'more than 20 changes are cut, the last line counting the rest',
      before: deployment({ labels: {} }),
      after: deployment({ labels: many(25) }),
      want: [
        ...Object.keys(many(25))
          .sort()
          .slice(0, 20)
          .map((k) => `+ metadata.labels.${k}: v${k.slice(1)}`),
        '… and 5 more changes',
      ],
    },
    { why: 'nothing at all', before: undefined, after: null, want: [] },
    { why: 'two strings', before: 'a', after: 'b', want: ['(object): a → b'] },
    { why: 'a number and an array', before: 1, after: [null, {}], want: ['(object): 1 → [null,{}]'] },
    { why: 'garbage on both sides, same', before: [1, 'x', { a: [] }], after: [1, 'x', { a: [] }], want: [] },
    { why: 'a create of garbage', before: undefined, after: 'junk', want: ['created object/(unnamed)'] },
    { why: 'a delete of garbage', before: [[[]]], after: undefined, want: ['deleted object/(unnamed)'] },
  ])('$why', ({ before, after, want }) => {
    expect(fieldDiff(before, after)).toEqual(want);
  });

  it.each([
    {
      why: 'a smaller line bound',
      opts: { maxLines: 2 },
      want: ['+ a.k0: v0', '+ a.k1: v1', '… and 3 more changes'],
    },
    { why: 'no lines, only the count', opts: { maxLines: 0 }, want: ['… and 5 more changes'] },
    {
      why: 'a smaller value bound',
      opts: { maxLines: 1, maxValueLength: 8 },
      want: ['+ a.k0: v0', '… and 4 more changes'],
    },
    { why: 'nonsense bounds fall back to defaults', opts: { maxLines: NaN, maxValueLength: -1 }, want: 5 },
  ])('options: $why', ({ opts, want }) => {
    const out = fieldDiff({}, { a: many(5) }, opts);
    expect(typeof want === 'number' ? out.length : out).toEqual(want);
  });

  it('garbage never throws: cycles, deep nesting, huge fan-out', () => {
    const loop: Record<string, unknown> = { kind: 'Pod' };
    loop.a = loop;
    loop.b = loop;
    const other: Record<string, unknown> = { kind: 'Pod' };
    other.a = other;
    other.b = other;
    const deep = (n: number, leaf: unknown) => JSON.parse('{"x":'.repeat(n) + JSON.stringify(leaf) + '}'.repeat(n));
    const cases: [unknown, unknown][] = [
      [loop, loop],
      [loop, other],
      [{ spec: loop }, { spec: 1 }],
      [deep(3000, 1), deep(3000, 2)],
      [{ a: Array.from({ length: 100_000 }, (_, i) => i) }, { a: [] }],
      [{ a: Array.from({ length: 100_000 }, (_, i) => ({ name: `n${i % 10}` })) }, { a: [{ name: 1 }] }],
    ];
    for (const [before, after] of cases) {
      const out = fieldDiff(before, after);
      expect(out.length).toBeLessThanOrEqual(22);
      for (const line of out) expect(line.length).toBeLessThan(1000);
    }
    expect(fieldDiff(deep(3000, 1), deep(3000, 2))).toEqual([
      `${'x.'.repeat(32)}x: (changed; nested too deep to show)`,
    ]);
  });
});

describe('looksSecret', () => {
  it.each([
    { name: 'DB_PASSWORD', want: true, why: 'password' },
    { name: 'passwd', want: true, why: 'the Unix spelling' },
    { name: 'GITHUB_TOKEN', want: true, why: 'token' },
    { name: 'client_secret', want: true, why: 'secret' },
    { name: 'apiKey', want: true, why: 'camelCase api key' },
    { name: 'API-KEY', want: true, why: 'kebab api key' },
    { name: 'AWS_CREDENTIALS', want: true, why: 'credential' },
    { name: 'tls_private_key', want: true, why: 'private key' },
    { name: 'secretName', want: false, why: 'names a Secret, holds none' },
    { name: 'passwordSecretRef', want: false, why: 'points at a Secret' },
    { name: 'bypass', want: false, why: 'pass alone is no password' },
    { name: 'image', want: false, why: 'ordinary field' },
    { name: 42, want: false, why: 'not a string' },
  ])('$name: $why', ({ name, want }) => {
    expect(looksSecret(name)).toBe(want);
  });
});
