// The plan hash: sha256 of the canonical plan (tools, params, order). Two plans
// with the same steps have the same hash whatever order their keys came in.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../api/canonical.js';

export function planHash(steps: readonly { tool: string; params: Record<string, unknown>; when?: string }[]): string {
  const canonical = canonicalJson(steps.map((s) => ({ tool: s.tool, params: s.params, when: s.when ?? 'always' })));
  return createHash('sha256').update(canonical).digest('hex');
}
