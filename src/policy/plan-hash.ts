// The plan hash: sha256 of the canonical plan (tools, params, order). Two plans
// with the same steps have the same hash whatever order their keys came in.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function planHash(steps: readonly { tool: string; params: Record<string, unknown>; when?: string }[]): string {
  const canonical = canonicalJson(steps.map((s) => ({ tool: s.tool, params: s.params, when: s.when ?? 'always' })));
  return createHash('sha256').update(canonical).digest('hex');
}
