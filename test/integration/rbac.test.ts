// The operator's permissions are least privilege and exactly the committed
// list: any new permission fails this test until the list is changed with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectl, kubectlOk, useNamespace } from '../support/cluster.js';
import { normalizeCanI } from '../support/can-i.js';
import { repoRoot } from '../support/paths.js';

const ALLOWLIST = join(repoRoot, 'test', 'integration', 'testdata', 'operator-can-i.txt');

describe('operator RBAC', () => {
  const rules = normalizeCanI(kubectlOk(['auth', 'can-i', '--list', '-n', 'bosun-system'], { as: 'operator' }));

  it('matches the committed allowlist (test/integration/testdata/operator-can-i.txt)', () => {
    expect(rules).toBe(readFileSync(ALLOWLIST, 'utf8'));
  });

  it(
    'has no wildcard, no escalate, bind or impersonate; no Secret outside its own namespace; ' +
      'there it lists and changes only its webhook certificate',
    () => {
      const resourceRules = rules.split('\n').filter((l) => l && !l.startsWith('['));
      for (const rule of resourceRules) {
        expect(rule, rule).not.toMatch(/\*/);
        expect(rule, rule).not.toMatch(/\b(escalate|bind|impersonate)\b/);
      }
      // in its own namespace: get (the cluster-default ModelProvider's key), create (its webhook certificate
      // Secret: create cannot be restricted by name), and list, watch and patch that one Secret only
      expect(resourceRules.filter((r) => r.startsWith('secrets '))).toEqual([
        'secrets [] [] [create get]',
        'secrets [] [bosun-webhook-tls] [list patch watch]',
      ]);
      const can = (...args: string[]) =>
        kubectl(['auth', 'can-i', ...args, '-n', 'bosun-system'], { as: 'operator' }).stdout.trim();
      expect(can('patch', 'secrets/bosun-webhook-tls')).toBe('yes');
      expect(can('patch', 'secrets/bosun-runners')).toBe('no');
      expect(can('list', 'secrets')).toBe('no');
      expect(can('delete', 'secrets/bosun-webhook-tls')).toBe('no');
      const elsewhere = normalizeCanI(kubectlOk(['auth', 'can-i', '--list', '-n', 'default'], { as: 'operator' }));
      expect(elsewhere.split('\n').filter((r) => r.startsWith('secrets'))).toEqual([]);
    },
  );

  it('writes the CA bundle of its own webhook configurations only', () => {
    const can = (...args: string[]) => kubectl(['auth', 'can-i', ...args], { as: 'operator' }).stdout.trim();
    for (const kind of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
      expect(can('patch', `${kind}.admissionregistration.k8s.io/bosun-admission`), kind).toBe('yes');
      expect(can('patch', `${kind}.admissionregistration.k8s.io/other`), kind).toBe('no');
      expect(can('list', `${kind}.admissionregistration.k8s.io`), kind).toBe('no');
      expect(can('create', `${kind}.admissionregistration.k8s.io`), kind).toBe('no');
      expect(can('delete', `${kind}.admissionregistration.k8s.io/bosun-admission`), kind).toBe('no');
    }
  });

  it('cannot decide on Approvals: it may create them and write their status, not their spec', () => {
    // can-i exits non-zero on "no"
    expect(
      kubectl(['auth', 'can-i', 'patch', 'approvals.bosun.dev', '-n', 'default'], { as: 'operator' }).stdout.trim(),
    ).toBe('no');
    expect(
      kubectl(['auth', 'can-i', 'create', 'approvals.bosun.dev', '-n', 'default'], { as: 'operator' }).stdout.trim(),
    ).toBe('yes');
    expect(
      kubectl(['auth', 'can-i', 'patch', 'approvals.bosun.dev', '--subresource=status', '-n', 'default'], {
        as: 'operator',
      }).stdout.trim(),
    ).toBe('yes');
  });

  it('writes no workload itself, and asks tokens only of executor ServiceAccounts', () => {
    const can = (...args: string[]) =>
      kubectl(['auth', 'can-i', ...args, '-n', 'default'], { as: 'operator' }).stdout.trim();
    for (const [verb, resource] of [
      ['patch', 'deployments.apps'],
      ['patch', 'deployments.apps/scale'],
      ['create', 'configmaps'],
      ['delete', 'services'],
      ['create', 'jobs.batch'],
      ['create', 'pods'],
    ] as const) {
      expect(can(verb, resource), `${verb} ${resource}`).toBe('no');
    }
    expect(can('create', 'serviceaccounts/bosun-executor', '--subresource=token')).toBe('yes');
    expect(can('create', 'serviceaccounts/default', '--subresource=token')).toBe('no');
    expect(can('create', 'serviceaccounts/bosun', '--subresource=token')).toBe('no');
  });

  it('an approver may decide on Approvals and read the plan they approve, and nothing else', () => {
    // bound by the test through the shipped bosun-approver ClusterRole
    const role = JSON.parse(kubectlOk(['get', 'clusterrole', 'bosun-approver', '-o', 'json'])) as {
      rules: { resources: string[]; verbs: string[] }[];
    };
    expect(role.rules).toEqual([
      expect.objectContaining({ resources: ['approvals'], verbs: ['get', 'list', 'watch', 'update', 'patch'] }),
      expect.objectContaining({ resources: ['goals', 'remediations'], verbs: ['get'] }),
    ]);
  });
});

// on the real control plane: kubectl describe lists a Goal's Events only if the reader may list Events
describe('people RBAC: bosun-editor and bosun-viewer', () => {
  const ns = useNamespace('rbac-people', { executor: false });
  const describeGoal = (as: 'alice' | 'mallory') => kubectlOk(['describe', 'goal', 'watched'], { as, namespace: ns() });

  beforeAll(() => {
    kubectlOk(['create', 'rolebinding', 'alice-edits', '--clusterrole=bosun-editor', '--user=alice'], {
      namespace: ns(),
    });
    kubectlOk(['create', 'rolebinding', 'mallory-views', '--clusterrole=bosun-viewer', '--user=mallory'], {
      namespace: ns(),
    });
    kubectlOk(['apply', '-f', '-'], {
      as: 'alice',
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'bosun.dev/v1alpha1',
        kind: 'Goal',
        metadata: { name: 'watched' },
        spec: { intent: { type: 'restart', target: 'deployment/web' } },
      }),
    });
    const uid = kubectlOk(['get', 'goal', 'watched', '-o', 'jsonpath={.metadata.uid}'], { namespace: ns() });
    // an Event about the Goal, as Bosun writes one for each decision
    kubectlOk(['create', '-f', '-'], {
      namespace: ns(),
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'watched.planned' },
        involvedObject: { apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', name: 'watched', namespace: ns(), uid },
        type: 'Normal',
        reason: 'Planned',
        message: 'plan abc: 1 step(s), risk low',
        source: { component: 'bosun' },
      }),
    });
  });

  it("the requester (bosun-editor) sees the Goal's Events in kubectl describe", () => {
    expect(describeGoal('alice')).toMatch(/Normal\s+Planned\s+.*plan abc: 1 step\(s\), risk low/);
  });

  it('a viewer (bosun-viewer) sees every Bosun kind and the Events, and may change nothing', () => {
    expect(describeGoal('mallory')).toMatch(/Normal\s+Planned\s+.*plan abc/);
    const can = (...args: string[]) => kubectl(['auth', 'can-i', ...args, '-n', ns()], { as: 'mallory' }).stdout.trim();
    for (const kind of [
      'goals',
      'pipelines',
      'pipelineruns',
      'remediations',
      'approvals',
      'riskpolicies',
      'modelproviders',
    ])
      expect(can('list', `${kind}.bosun.dev`), kind).toBe('yes');
    for (const verb of ['create', 'update', 'patch', 'delete'])
      for (const kind of ['goals', 'approvals', 'riskpolicies'])
        expect(can(verb, `${kind}.bosun.dev`), `${verb} ${kind}`).toBe('no');
    expect(kubectl(['delete', 'goal', 'watched'], { as: 'mallory', namespace: ns() }).code).not.toBe(0);
    expect(can('get', 'secrets')).toBe('no');
  });
});
