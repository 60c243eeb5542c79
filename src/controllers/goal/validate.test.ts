import { describe, expect, it } from 'vitest';
import { GoalSpec } from '../../api/v1alpha1/goal.js';
import { parseTarget } from '../../tools/kubernetes/target.js';
import { validateGoal } from './validate.js';

const spec = (s: unknown) => GoalSpec.parse(s);

describe('validateGoal', () => {
  it.each([
    { why: 'scale of a deployment', s: { intent: { type: 'scale', target: 'deployment/web', replicas: 3 } } },
    { why: 'short kind names resolve', s: { intent: { type: 'restart', target: 'sts/db' } } },
    { why: 'delete works on any kind', s: { intent: { type: 'delete', target: 'configmap/old' } } },
    { why: "free-text goals are the planner's to judge", s: { goal: 'make it fast' } },
    {
      why: 'a good image',
      s: {
        intent: { type: 'deploy-image', target: 'deployment/web', image: 'registry.example.com:5000/team/web:1.4.2' },
      },
    },
    {
      why: 'a manifest with two objects',
      s: {
        intent: {
          type: 'apply',
          manifest:
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
        },
      },
    },
    {
      why: 'its own namespace named explicitly',
      s: { intent: { type: 'restart', target: 'deployment/web' }, targetNamespace: 'team' },
    },
  ])('accepts $why', ({ s }) => {
    expect(validateGoal(spec(s), 'team')).toBeUndefined();
  });

  it.each([
    {
      why: 'scaling a ConfigMap',
      s: { intent: { type: 'scale', target: 'configmap/x', replicas: 1 } },
      reason: 'UnsupportedTarget',
    },
    {
      why: 'rolling back a StatefulSet',
      s: { intent: { type: 'rollback', target: 'statefulset/db' } },
      reason: 'UnsupportedTarget',
    },
    {
      why: 'an image with spaces',
      s: { intent: { type: 'deploy-image', target: 'deployment/web', image: 'nginx latest' } },
      reason: 'InvalidImage',
    },
    {
      why: 'a manifest that is not YAML',
      s: { intent: { type: 'apply', manifest: 'kind: [unclosed' } },
      reason: 'InvalidManifest',
    },
    {
      why: 'a manifest without metadata.name',
      s: { intent: { type: 'apply', manifest: 'apiVersion: v1\nkind: ConfigMap\n' } },
      reason: 'InvalidManifest',
    },
    {
      why: 'a manifest of only comments',
      s: { intent: { type: 'apply', manifest: '# nothing\n' } },
      reason: 'InvalidManifest',
    },
    {
      why: 'a kind Bosun does not know, even for delete',
      s: { intent: { type: 'delete', target: 'unicorn/x' } },
      reason: 'UnsupportedTarget',
    },
    {
      why: 'a billion laughs: aliases that expand past the bound',
      s: {
        intent: {
          type: 'apply',
          manifest:
            'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
            'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n' +
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom}\n',
        },
      },
      reason: 'InvalidManifest',
    },
    {
      why: 'several documents of which one is invalid',
      s: {
        intent: {
          type: 'apply',
          manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\n',
        },
      },
      reason: 'InvalidManifest',
    },
    {
      why: 'a list instead of an object',
      s: { intent: { type: 'apply', manifest: '- apiVersion: v1\n  kind: ConfigMap\n' } },
      reason: 'InvalidManifest',
    },
    {
      why: 'acting in another namespace',
      s: { intent: { type: 'restart', target: 'deployment/web' }, targetNamespace: 'prod' },
      reason: 'CrossNamespaceTarget',
    },
    {
      why: 'a tool listed twice',
      s: { intent: { type: 'restart', target: 'deployment/web' }, tools: ['k8s.get', 'k8s.get'] },
      reason: 'DuplicateTool',
    },
  ])('stalls $why with $reason', ({ s, reason }) => {
    const stall = validateGoal(spec(s), 'team');
    expect(stall?.reason).toBe(reason);
    expect(stall?.message).toMatch(/:/); // says what to do after the colon
  });
});

describe('parseTarget', () => {
  it('resolves kubectl short names', () => {
    expect(parseTarget('deploy/web')).toEqual({ kind: 'deployment', name: 'web' });
    expect(parseTarget('StatefulSet/db')).toEqual({ kind: 'statefulset', name: 'db' });
  });
});
