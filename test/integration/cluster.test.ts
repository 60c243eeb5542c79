// The local control plane behaves like a cluster: the real controller-manager
// and scheduler roll Deployments out onto KWOK's fake nodes, identities come
// from the token file, and the audit log records who did what.
import { describe, expect, it } from 'vitest';
import { identities } from '../../hack/control-plane/identities.js';
import { auditEvents, kubectl, kubectlOk, useNamespace } from '../support/cluster.js';

const deployment = (replicas: number) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  });

interface Pod {
  metadata: { ownerReferences?: { kind: string; name: string }[] };
  spec: { nodeName?: string };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

describe('local control plane', () => {
  const ns = useNamespace('cluster');

  it('rolls a Deployment out to Ready pods on KWOK nodes', () => {
    kubectlOk(['apply', '-f', '-'], { namespace: ns(), input: deployment(3) });
    kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=90s'], { namespace: ns() });

    const rs = JSON.parse(kubectlOk(['get', 'replicasets', '-l', 'app=web', '-o', 'json'], { namespace: ns() })) as {
      items: { metadata: { name: string; ownerReferences: { kind: string; name: string }[] } }[];
    };
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0]?.metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web' });

    const pods = JSON.parse(kubectlOk(['get', 'pods', '-l', 'app=web', '-o', 'json'], { namespace: ns() })) as {
      items: Pod[];
    };
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
      expect(pod.spec.nodeName).toMatch(/^kwok-node-\d+$/);
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('rolls out a new image as a new ReplicaSet revision', () => {
    kubectlOk(['set', 'image', 'deployment/web', 'web=nginx:1.28'], { namespace: ns() });
    kubectlOk(['rollout', 'status', 'deployment/web', '--timeout=90s'], { namespace: ns() });
    const history = kubectlOk(['rollout', 'history', 'deployment/web'], { namespace: ns() });
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
  });

  it.each(['admin', 'operator', 'alice', 'bob', 'mallory'] as const)(
    'authenticates %s from its own kubeconfig',
    (name) => {
      const who = JSON.parse(kubectlOk(['auth', 'whoami', '-o', 'json'], { as: name })) as {
        status: { userInfo: { username: string; groups: string[] } };
      };
      expect(who.status.userInfo.username).toBe(identities[name].user);
      for (const g of identities[name].groups) expect(who.status.userInfo.groups).toContain(g);
    },
  );

  it('authorizes with RBAC: an ordinary user cannot create Goals until granted', () => {
    expect(
      kubectl(['auth', 'can-i', 'create', 'goals.bosun.dev'], { as: 'mallory', namespace: ns() }).stdout.trim(),
    ).toBe('no');
    const res = kubectl(['get', 'goals'], { as: 'mallory', namespace: ns() });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/User "mallory" cannot list resource "goals"/);
  });

  it('writes an audit log that counts requests by user, verb and resource', () => {
    kubectl(['get', 'configmaps'], { as: 'alice', namespace: ns() });
    const events = auditEvents(
      (e) => e.user.username === 'alice' && e.objectRef?.resource === 'configmaps' && e.objectRef.namespace === ns(),
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]).toMatchObject({ verb: 'list', responseStatus: { code: 403 } });
  });
});
