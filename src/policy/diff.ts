// Field-level diff of a live object and its server-side dry-run, for approvers:
// `spec.replicas: 2 → 5`, `+ metadata.labels.tier: web`, `- spec.paused: true`.
// Bookkeeping the server writes (managedFields, resourceVersion, status, …) is
// left out, secret values are never shown, and the output is bounded. Objects
// come from the cluster and from models: any shape is read without throwing.

export interface DiffOptions {
  /** change lines shown before `… and N more changes` (default 20) */
  maxLines?: number;
  /** a shown value is cut to this many characters, `…` included (default 120) */
  maxValueLength?: number;
}

type Obj = Record<string, unknown>;
type Key = string | number;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(0, max - 1))}…` : s);

/** Deeper than this a value is compared whole and not shown. */
const MAX_DEPTH = 32;
/** Fields visited at most, in the diff and in each value shown, so that no input takes long. */
const MAX_VISITS = 50_000;
const MAX_SHOWN_VISITS = 2_000;

const NOISY_METADATA = new Set([
  'managedFields',
  'resourceVersion',
  'generation',
  'uid',
  'creationTimestamp',
  'selfLink',
]);
/** last-applied-configuration mirrors the object (a Secret's data included): never shown. */
const NOISY_ANNOTATIONS = new Set([
  'deployment.kubernetes.io/revision',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

const isNoise = (keys: readonly Key[]) =>
  (keys.length === 1 && keys[0] === 'status') ||
  (keys.length === 2 && keys[0] === 'metadata' && NOISY_METADATA.has(String(keys[1]))) ||
  (keys.length === 3 && keys[0] === 'metadata' && keys[1] === 'annotations' && NOISY_ANNOTATIONS.has(String(keys[2])));

const SECRET_NAME = /passw(or)?d|token|secret|api[-_]?key|credential|private[-_ ]?key/i;
/** A key or env name that looks like it holds a secret (`secretName`, `tokenRef` only point at one). */
export const looksSecret = (name: unknown) =>
  typeof name === 'string' && SECRET_NAME.test(name) && !/(Name|Ref)$/.test(name);

/**
 * Whether a key hides what is under it. `secret` holding an object is the volume source that
 * only names a Secret (secretName, items): its fields are shown.
 */
const hides = (k: string, ...values: unknown[]) => looksSecret(k) && !(k === 'secret' && values.some(isObj));

/** `name` of an object, if it has one that is a string. */
const nameOf = (v: unknown) => (isObj(v) && typeof v.name === 'string' ? v.name : undefined);

/** A copy safe to print: secret-looking fields masked, depth and size bounded. */
function redact(v: unknown, hidden: boolean, budget = { left: MAX_SHOWN_VISITS }, depth = 0): unknown {
  if (depth > MAX_DEPTH || --budget.left < 0) return '…';
  if (Array.isArray(v)) return v.map((e) => redact(e, hidden, budget, depth + 1));
  if (isObj(v)) {
    const secretEntry = looksSecret(v.name);
    return Object.fromEntries(
      Object.entries(v).map(([k, e]) => [
        k,
        redact(e, hidden || hides(k, e) || (secretEntry && k === 'value'), budget, depth + 1),
      ]),
    );
  }
  return hidden && (typeof v === 'string' || typeof v === 'number') ? '(hidden)' : v;
}

/** A string is shown bare unless it would read as another value or hide its own edges. */
const bare = (s: string) =>
  /^[^\s"{[][^\n\r\t]*$/.test(s) && !/\s$/.test(s) && !/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(s);

/** A value as shown: strings bare when that is not ambiguous, anything else compact JSON. */
function show(v: unknown, hidden: boolean, max: number): string {
  const safe = redact(v, hidden);
  if (typeof safe === 'string' && bare(safe)) return cut(safe, max);
  try {
    return cut(JSON.stringify(safe) ?? String(safe), max);
  } catch {
    return '(unprintable)';
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const segment = (k: Key, named: boolean, root: boolean) => {
  if (typeof k === 'number') return `[${k}]`;
  const s = cut(k, 63);
  if (named) return `[${/^[\w.:-]+$/.test(s) ? s : JSON.stringify(s)}]`;
  if (!IDENT.test(s)) return `[${JSON.stringify(s)}]`;
  return root ? s : `.${s}`;
};

/** Names of a list of named objects, when every item has a distinct one; else undefined. */
function names(list: readonly unknown[]): string[] | undefined {
  const out = list.map(nameOf);
  if (out.some((n) => !n)) return undefined;
  return new Set(out).size === out.length ? (out as string[]) : undefined;
}

const sameLeaf = (a: unknown, b: unknown) => {
  if (a === b) return true;
  try {
    return (isObj(a) || Array.isArray(a)) && (isObj(b) || Array.isArray(b)) && JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
};

interface Walk {
  secretKind: boolean;
  maxLines: number;
  maxValueLength: number;
  lines: string[];
  total: number;
  visits: number;
}

function emit(w: Walk, line: string) {
  w.total += 1;
  if (w.lines.length < w.maxLines) w.lines.push(line);
}

function leaf(w: Walk, keys: readonly Key[], path: string, a: unknown, b: unknown, hidden: boolean) {
  if (sameLeaf(a, b)) return;
  const p = path || '(object)';
  if (w.secretKind && (keys[0] === 'data' || keys[0] === 'stringData')) {
    const what = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    return emit(w, `${what === 'added' ? '+ ' : what === 'removed' ? '- ' : ''}${p}: (secret value ${what})`);
  }
  const max = w.maxValueLength;
  if (a === undefined) return emit(w, `+ ${p}: ${show(b, hidden, max)}`);
  if (b === undefined) return emit(w, `- ${p}: ${show(a, hidden, max)}`);
  const [from, to] = [show(a, hidden, max), show(b, hidden, max)];
  emit(w, from === '(hidden)' && to === '(hidden)' ? `${p}: (hidden value changed)` : `${p}: ${from} → ${to}`);
}

const nonEmpty = (v: unknown) => (isObj(v) ? Object.keys(v).length > 0 : Array.isArray(v) && v.length > 0);
/** Both sides are containers of one sort, or one is missing and the other a non-empty container. */
const both = (is: (v: unknown) => boolean, a: unknown, b: unknown) =>
  (is(a) && is(b)) || (is(a) && b === undefined && nonEmpty(a)) || (a === undefined && is(b) && nonEmpty(b));

function walk(w: Walk, keys: readonly Key[], path: string, a: unknown, b: unknown, hidden: boolean) {
  if (a === b || isNoise(keys) || ++w.visits > MAX_VISITS) return;
  if (keys.length > MAX_DEPTH) {
    if (!sameLeaf(a, b)) emit(w, `${path}: (changed; nested too deep to show)`);
    return;
  }
  if (both(isObj, a, b)) {
    const [oa, ob] = [isObj(a) ? a : {}, isObj(b) ? b : {}];
    const secretEntry = looksSecret(oa.name) || looksSecret(ob.name);
    for (const k of [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort()) {
      const h = hidden || hides(k, oa[k], ob[k]) || (secretEntry && k === 'value');
      walk(w, [...keys, k], path + segment(k, false, keys.length === 0), oa[k], ob[k], h);
    }
    return;
  }
  if (both(Array.isArray, a, b)) {
    const [la, lb] = [Array.isArray(a) ? a : [], Array.isArray(b) ? b : []];
    const [na, nb] = [names(la), names(lb)];
    // a list of named objects is keyed by name (containers[web]), any other list by index
    if (na && nb && (na.length > 0 || nb.length > 0)) {
      const byName = (l: readonly unknown[], n: string) => l.find((e) => nameOf(e) === n);
      for (const n of [...new Set([...na, ...nb])].sort())
        item(w, [...keys, n], path + segment(n, true, false), byName(la, n), byName(lb, n), hidden);
    } else
      for (let i = 0; i < Math.max(la.length, lb.length); i++)
        item(w, [...keys, i], path + segment(i, false, false), la[i], lb[i], hidden);
    return;
  }
  leaf(w, keys, path, a, b, hidden);
}

/** An item of a list: compared field by field when on both sides, else shown whole. */
const item = (w: Walk, keys: readonly Key[], path: string, a: unknown, b: unknown, hidden: boolean) =>
  a !== undefined && b !== undefined ? walk(w, keys, path, a, b, hidden) : leaf(w, keys, path, a, b, hidden);

const label = (v: unknown) => {
  const kind = isObj(v) && typeof v.kind === 'string' && v.kind ? v.kind.toLowerCase() : 'object';
  const name = isObj(v) && isObj(v.metadata) ? nameOf(v.metadata) : undefined;
  return `${cut(kind, 63)}/${name ? cut(name, 63) : '(unnamed)'}`;
};

const count = (v: number | undefined, fallback: number, min: number) =>
  v !== undefined && Number.isFinite(v) ? Math.max(min, Math.floor(v)) : fallback;

/**
 * What changes between `before` (the live object, undefined when it will be created) and
 * `after` (the dry-run result, undefined when it will be deleted), one line per field,
 * sorted by path; [] when nothing does.
 */
export function fieldDiff(before: unknown, after: unknown, opts: DiffOptions = {}): string[] {
  if (absent(before) && absent(after)) return [];
  if (absent(before)) return [`created ${label(after)}`];
  if (absent(after)) return [`deleted ${label(before)}`];
  const w: Walk = {
    secretKind: [before, after].some((v) => isObj(v) && v.kind === 'Secret'),
    maxLines: count(opts.maxLines, 20, 0),
    maxValueLength: count(opts.maxValueLength, 120, 8),
    lines: [],
    total: 0,
    visits: 0,
  };
  walk(w, [], '', before, after, false);
  const more = w.total - w.lines.length;
  const out = more > 0 ? [...w.lines, `… and ${more} more change${more === 1 ? '' : 's'}`] : w.lines;
  return w.visits > MAX_VISITS ? [...out, '… objects too large to compare in full'] : out;
}
