// The CRDs install, every sample is accepted, and `kubectl get` is useful.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../src/api/v1alpha1/kinds.js';
import { crdName } from '../../src/api/crd/generate.js';
import { kubectlOk, useNamespace } from '../support/cluster.js';
import { repoRoot } from '../support/paths.js';

interface Crd {
  status: { conditions?: { type: string; status: string }[]; acceptedNames: { kind: string; categories?: string[] } };
}

describe('CRDs', () => {
  // the CRDs alone: Bosun's webhook would refuse the sample Approval (only Bosun creates them)
  const ns = useNamespace('crds', { webhook: false });

  it.each(kinds.map((k) => [k.kind, crdName(k)]))(
    '%s CRD (%s) is Established with its names accepted',
    (kind, name) => {
      const crd = JSON.parse(kubectlOk(['get', 'crd', name, '-o', 'json'])) as Crd;
      const established = crd.status.conditions?.find((c) => c.type === 'Established');
      expect(established?.status).toBe('True');
      expect(crd.status.acceptedNames.kind).toBe(kind);
      expect(crd.status.acceptedNames.categories).toContain('bosun');
    },
  );

  it('accepts every sample in config/samples', () => {
    // approval.yaml is outside the kustomization (only Bosun creates Approvals where the webhook runs; it does not here)
    const out =
      kubectlOk(['apply', '-k', join(repoRoot, 'config', 'samples')], { namespace: ns() }) +
      kubectlOk(['apply', '-f', join(repoRoot, 'config', 'samples', 'approval.yaml')], { namespace: ns() });
    for (const k of kinds) expect(out).toMatch(new RegExp(`^${k.singular}\\.bosun\\.dev/\\S+ created$`, 'm'));
    // `kubectl get bosun` lists every kind through the category
    const all = kubectlOk(['get', 'bosun', '-o', 'name'], { namespace: ns() });
    for (const k of kinds) expect(all).toContain(`${k.singular}.bosun.dev/`);
  });

  it('shows useful printer columns for goals, pipelines and approvals', () => {
    const out = kubectlOk(['get', 'goals,pipelines,approvals'], { namespace: ns() });
    const headers = out.split('\n').filter((l) => l.startsWith('NAME'));
    expect(headers).toEqual([
      expect.stringMatching(/^NAME\s+PHASE\s+RISK\s+PROGRESS\s+MODE\s+AGE$/),
      expect.stringMatching(/^NAME\s+LAST RUN\s+LAST PHASE\s+SUCCEEDED\s+FAILED\s+HALTED\s+READY\s+AGE$/),
      expect.stringMatching(/^NAME\s+SUBJECT\s+RISK\s+STATE\s+APPROVALS\s+REQUIRED\s+EXPIRES\s+AGE$/),
    ]);
    expect(out).toMatch(/goal\.bosun\.dev\/scale-web\s+auto/);
    expect(out).toMatch(/approval\.bosun\.dev\/scale-web-7d2f1a\s+scale-web\s+low\s+1\s+2030-01-01T00:00:00Z/);
    // wide output adds the intent and target
    const wide = kubectlOk(['get', 'goal', 'scale-web', '-o', 'wide'], { namespace: ns() });
    expect(wide).toMatch(/INTENT\s+TARGET/);
    expect(wide).toMatch(/scale\s+deployment\/web/);
  });

  it('applies defaults from the schema', () => {
    const goal = JSON.parse(kubectlOk(['get', 'goal', 'why-is-web-slow', '-o', 'json'], { namespace: ns() })) as {
      spec: { allowChanges: boolean; mode: string };
    };
    expect(goal.spec.allowChanges).toBe(true);
    expect(goal.spec.mode).toBe('plan-only');
  });
});
