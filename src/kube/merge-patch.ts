// RFC 7386 JSON merge patch between two JSON values: what turns `from` into
// `to`. Removed keys become null; arrays and scalars are replaced whole.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns undefined when there is nothing to change. */
export function mergePatch(from: unknown, to: unknown): Json | undefined {
  if (!isPlain(from) || !isPlain(to)) return deepEqual(from, to) ? undefined : ((to ?? null) as Json);
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    const sub = mergePatch(from[key], value);
    if (sub !== undefined) patch[key] = sub;
  }
  for (const key of Object.keys(patch)) if (patch[key] === null && !(key in from)) delete patch[key];
  return Object.keys(patch).length ? patch : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
