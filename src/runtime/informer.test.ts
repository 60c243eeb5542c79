import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import { SharedStrings } from './informer.js';

const parsed = (namespace: string | undefined, name: string): KubeObject =>
  JSON.parse(
    JSON.stringify({ apiVersion: 'bosun.dev/v1alpha1', kind: 'Goal', metadata: { namespace, name } }),
  ) as KubeObject;

describe('SharedStrings', () => {
  it('keeps the object and its values, and holds one entry per distinct string, however many objects', () => {
    const shared = new SharedStrings();
    const objs = Array.from({ length: 50 }, (_, i) => parsed(i % 2 ? 'team-a' : 'team-b', `g-${i}`));
    for (const o of objs) expect(shared.share(o)).toBe(o);
    expect(objs[3]).toEqual({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'Goal',
      metadata: { namespace: 'team-a', name: 'g-3' },
    });
    // apiVersion, kind and two namespaces; names are not shared (they are unique)
    expect(shared.size).toBe(4);
  });

  it('leaves a cluster-scoped object without a namespace', () => {
    const shared = new SharedStrings();
    const o = shared.share(parsed(undefined, 'n'));
    expect('namespace' in o.metadata).toBe(false);
    expect(shared.size).toBe(2);
  });
});
