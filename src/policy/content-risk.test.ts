import { describe, expect, it } from 'vitest';
import { contentFindings, contentReasons, contentRisk, MAX_CONTENT_REASONS } from './content-risk.js';
import { scoreStep, type StepRiskInput } from './risk.js';

const deployment = (podSpec: unknown, name = 'web') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 2, template: { metadata: { labels: { app: name } }, spec: podSpec } },
});
const app = (securityContext: unknown, name = 'app') => ({ name, image: 'nginx:1.27', securityContext });
const D = 'deployment/web: container app';
const P = 'spec.template.spec.containers[app].securityContext';

describe('contentFindings', () => {
  it.each([
    {
      why: 'a privileged container is critical',
      content: [deployment({ containers: [app({ privileged: true })] })],
      want: [['critical', `${D} is privileged (${P}.privileged)`]],
    },
    {
      why: 'a privileged init container is critical too',
      content: [deployment({ initContainers: [app({ privileged: true }, 'setup')] })],
      want: [
        [
          'critical',
          'deployment/web: init container setup is privileged ' +
            '(spec.template.spec.initContainers[setup].securityContext.privileged)',
        ],
      ],
    },
    {
      why: 'an ephemeral container is found in a bare Pod, and an unnamed one by index',
      content: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p' },
          spec: { ephemeralContainers: [app({ privileged: true }, '')] },
        },
      ],
      want: [
        [
          'critical',
          'pod/p: ephemeral container #0 is privileged (spec.ephemeralContainers[0].securityContext.privileged)',
        ],
      ],
    },
    {
      why: 'privileged: false is no finding',
      content: [deployment({ containers: [app({ privileged: false, runAsUser: 1000 })] })],
      want: [],
    },
    {
      why: 'a hostPath volume is critical and names the host path',
      content: [
        deployment({
          volumes: [
            { name: 'root', hostPath: { path: '/' } },
            { name: 'tmp', emptyDir: {} },
          ],
        }),
      ],
      want: [
        ['critical', 'deployment/web: volume root mounts host path / (spec.template.spec.volumes[root].hostPath)'],
      ],
    },
    {
      why: 'host namespaces are critical, each on its own',
      content: [deployment({ hostNetwork: true, hostPID: true, hostIPC: false })],
      want: [
        ['critical', 'deployment/web: pod shares the host network (spec.template.spec.hostNetwork)'],
        ['critical', "deployment/web: pod shares the host's process namespace (spec.template.spec.hostPID)"],
      ],
    },
    {
      why: 'dangerous capabilities are critical, others high, CAP_ prefix and case ignored',
      content: [
        deployment({ containers: [app({ capabilities: { add: ['cap_sys_admin', 'NET_BIND_SERVICE', 'ALL'] } })] }),
      ],
      want: [
        ['critical', `${D} adds capabilities SYS_ADMIN, ALL (${P}.capabilities.add)`],
        ['high', `${D} adds capabilities NET_BIND_SERVICE (${P}.capabilities.add)`],
      ],
    },
    {
      why: 'dropping capabilities is no finding',
      content: [deployment({ containers: [app({ capabilities: { drop: ['ALL'] } })] })],
      want: [],
    },
    {
      why: 'root at container level is high, runAsNonRoot: false too',
      content: [deployment({ containers: [app({ runAsUser: 0, runAsNonRoot: false })] })],
      want: [
        ['high', `${D} runs as root (${P}.runAsUser)`],
        ['high', `${D} may run as root (${P}.runAsNonRoot)`],
      ],
    },
    {
      why: 'root at pod level is high',
      content: [deployment({ securityContext: { runAsUser: 0 }, containers: [app(undefined)] })],
      want: [['high', 'deployment/web: pod runs as root (spec.template.spec.securityContext.runAsUser)']],
    },
    {
      why: 'privilege escalation alone is high',
      content: [deployment({ containers: [app({ allowPrivilegeEscalation: true })] })],
      want: [['high', `${D} allows privilege escalation (${P}.allowPrivilegeEscalation)`]],
    },
    {
      why: 'privilege escalation with a root pod is critical',
      content: [
        deployment({ securityContext: { runAsUser: 0 }, containers: [app({ allowPrivilegeEscalation: true })] }),
      ],
      want: [
        [
          'critical',
          `${D} allows privilege escalation as root or with added capabilities (${P}.allowPrivilegeEscalation)`,
        ],
        ['high', 'deployment/web: pod runs as root (spec.template.spec.securityContext.runAsUser)'],
      ],
    },
    {
      why: 'privileged already implies escalation: said once',
      content: [deployment({ containers: [app({ privileged: true, allowPrivilegeEscalation: true })] })],
      want: [['critical', `${D} is privileged (${P}.privileged)`]],
    },
    {
      why: 'a CronJob keeps its pod spec under jobTemplate',
      content: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'nightly' },
          spec: { jobTemplate: { spec: { template: { spec: { hostPID: true } } } } },
        },
      ],
      want: [
        [
          'critical',
          "cronjob/nightly: pod shares the host's process namespace (spec.jobTemplate.spec.template.spec.hostPID)",
        ],
      ],
    },
    {
      why: 'a merge patch without a kind is probed at every pod spec path',
      content: [{ spec: { template: { spec: { containers: [app({ privileged: true })] } } } }],
      want: [['critical', `object/#1: container app is privileged (${P}.privileged)`]],
    },
    {
      why: 'RBAC kinds are critical',
      content: [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'admin' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' } },
      ],
      want: [
        ['critical', 'clusterrolebinding/admin: changes RBAC bindings (kind ClusterRoleBinding)'],
        ['critical', 'role/reader: changes RBAC permissions (kind Role)'],
      ],
    },
    {
      why: 'admission webhooks and policies are critical',
      content: [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'm' },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: { name: 'b' },
        },
      ],
      want: [
        [
          'critical',
          'mutatingwebhookconfiguration/m: changes an admission webhook (kind MutatingWebhookConfiguration)',
        ],
        [
          'critical',
          'validatingadmissionpolicybinding/b: changes an admission policy (kind ValidatingAdmissionPolicyBinding)',
        ],
      ],
    },
    {
      why: 'a CRD is critical',
      content: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.y' } }],
      want: [
        [
          'critical',
          'customresourcedefinition/x.y: changes a CustomResourceDefinition (kind CustomResourceDefinition)',
        ],
      ],
    },
    {
      why: 'a Secret is high, even without an apiVersion',
      content: [{ kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2' } }],
      want: [['high', 'secret/db: writes a Secret (kind Secret)']],
    },
    {
      why: 'a Role of another API group is not RBAC',
      content: [{ apiVersion: 'example.com/v1', kind: 'Role', metadata: { name: 'r' } }],
      want: [],
    },
    {
      why: 'a List is read item by item',
      content: [
        { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }] },
      ],
      want: [['high', 'secret/s: writes a Secret (kind Secret)']],
    },
    {
      why: 'critical findings come first',
      content: [
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' } },
      ],
      want: [
        ['critical', 'role/r: changes RBAC permissions (kind Role)'],
        ['high', 'secret/s: writes a Secret (kind Secret)'],
      ],
    },
    {
      why: 'a long name is cut in the reason',
      content: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x'.repeat(500) } }],
      want: [['high', `secret/${'x'.repeat(62)}…: writes a Secret (kind Secret)`]],
    },
    {
      why: 'a plain Deployment is no finding',
      content: [deployment({ containers: [app({ runAsNonRoot: true })] })],
      want: [],
    },
    { why: 'no content', content: undefined, want: [] },
    { why: 'null content', content: null, want: [] },
    { why: 'a string instead of a list', content: 'privileged: true', want: [] },
    { why: 'an object instead of a list', content: { kind: 'Secret' }, want: [] },
    {
      why: 'null, numbers, strings and arrays as objects',
      content: [null, 1, 'x', [], [[{ kind: 'Secret' }]]],
      want: [],
    },
    {
      why: 'junk in every field',
      content: [
        { kind: 42, metadata: 'web', spec: [] },
        { kind: 'Deployment', spec: { template: { spec: { containers: 'app', volumes: { hostPath: {} } } } } },
        {
          kind: 'Pod',
          spec: {
            containers: [
              null,
              'x',
              { securityContext: 'privileged' },
              { securityContext: { capabilities: { add: 'ALL' } } },
            ],
          },
        },
        {
          kind: 'Pod',
          spec: { hostNetwork: 'true', securityContext: { runAsUser: '0' }, volumes: [{ hostPath: null }] },
        },
        { kind: 'List', items: 'nope' },
        { kind: ['Secret'], apiVersion: 7 },
      ],
      want: [],
    },
    {
      why: 'deeply nested junk is not walked',
      content: [
        JSON.parse('['.repeat(5000) + ']'.repeat(5000)),
        { spec: JSON.parse('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)) },
      ],
      want: [],
    },
  ])('$why', ({ content, want }) => {
    expect(contentFindings(content).map((f) => [f.risk, f.reason])).toEqual(want);
  });

  it('never throws on a cycle', () => {
    const loop: Record<string, unknown> = { kind: 'Pod' };
    loop.spec = loop;
    loop.items = [loop];
    expect(() => contentFindings([loop, { kind: 'List', items: [loop] }])).not.toThrow();
  });
});

describe('contentReasons', () => {
  const findings = (n: number) => Array.from({ length: n }, (_, i) => ({ risk: 'high' as const, reason: `r${i}` }));
  it.each([
    { why: 'few findings are all listed', n: 3, want: ['r0', 'r1', 'r2'] },
    { why: 'exactly the bound is all listed', n: MAX_CONTENT_REASONS, want: findings(10).map((f) => f.reason) },
    {
      why: 'over the bound, the last reason counts the rest',
      n: 25,
      want: [...findings(9).map((f) => f.reason), '… and 16 more findings in the content'],
    },
  ])('$why', ({ n, want }) => {
    expect(contentReasons(findings(n))).toEqual(want);
  });
});

describe('contentRisk', () => {
  const input = (content: unknown[] | undefined, over: Partial<StepRiskInput> = {}): StepRiskInput => ({
    tool: 'k8s.apply',
    baseRisk: 'medium',
    effect: 'mutate',
    reversible: true,
    namespace: 'team',
    protectedNamespaces: [],
    namespaceLabelProtected: false,
    objectsTouched: 1,
    replicaDelta: 0,
    content,
    ...over,
  });

  it.each([
    { why: 'no content leaves the risk', content: undefined, from: 'medium', want: 'medium' },
    {
      why: 'harmless content leaves the risk',
      content: [deployment({ containers: [app({})] })],
      from: 'medium',
      want: 'medium',
    },
    {
      why: 'a Secret raises medium to high',
      content: [{ kind: 'Secret', metadata: { name: 's' } }],
      from: 'medium',
      want: 'high',
    },
    {
      why: 'a privileged pod raises low to critical',
      content: [deployment({ containers: [app({ privileged: true })] })],
      from: 'low',
      want: 'critical',
    },
    { why: 'content never lowers a risk', content: [{ kind: 'Secret' }], from: 'critical', want: 'critical' },
  ])('$why', ({ content, from, want }) => {
    expect(contentRisk(input(content), from as never).risk).toBe(want);
  });

  it('in the default chain, a privileged hostPath Deployment makes a medium apply critical, a reason each', () => {
    const bad = deployment({
      volumes: [{ name: 'host', hostPath: { path: '/var/run/docker.sock' } }],
      containers: [app({ privileged: true })],
    });
    expect(scoreStep(input([bad]))).toEqual({
      risk: 'critical',
      reasons: [
        'k8s.apply is a medium-risk tool',
        'deployment/web: volume host mounts host path /var/run/docker.sock (spec.template.spec.volumes[host].hostPath)',
        `${D} is privileged (${P}.privileged)`,
      ],
    });
  });

  it('in the default chain, a harmless apply keeps its reasons as they were', () => {
    expect(scoreStep(input([deployment({ containers: [app({})] })]))).toEqual({
      risk: 'medium',
      reasons: ['k8s.apply is a medium-risk tool'],
    });
  });
});
