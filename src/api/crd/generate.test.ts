import { describe, expect, it } from 'vitest';
import { kinds } from '../v1alpha1/kinds.js';
import { crdFor } from './generate.js';

const walk = (node: unknown, visit: (n: Record<string, unknown>, path: string) => void, path = '$'): void => {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, visit, `${path}[${i}]`));
  visit(node as Record<string, unknown>, path);
  for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}.${k}`);
};

describe('crdFor', () => {
  it.each(kinds.map((k) => [k.kind, k] as const))(
    '%s: structural, with status subresource and the bosun category',
    (_kind, info) => {
      const crd = crdFor(info);
      const version = crd.spec.versions[0];
      expect(version?.subresources).toEqual({ status: {} });
      expect(crd.spec.names.categories).toEqual(['bosun']);
      walk(version?.schema.openAPIV3Schema, (n, path) => {
        // what Kubernetes' structural-schema check rejects
        for (const banned of ['oneOf', 'anyOf', 'allOf', '$ref', '$schema']) expect(n, path).not.toHaveProperty(banned);
        if ('properties' in n) expect(n.additionalProperties, path).toBeUndefined();
      });
    },
  );

  it('every list of conditions is a map keyed by type', () => {
    for (const info of kinds) {
      const status = crdFor(info).spec.versions[0]?.schema.openAPIV3Schema.properties.status as {
        properties: Record<string, Record<string, unknown>>;
      };
      expect(status.properties.conditions, info.kind).toMatchObject({
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      });
    }
  });
});
