// How `kubectl bosun` reads the cluster: through the user's own kubectl, so
// the API server sees (and authorizes) the person who runs it. What the user
// may not read is named in the answer, not hidden and not fatal.
import { spawnSync } from 'node:child_process';
import { errorMessage } from '../api/errors.js';

export function kubectl(args: string[], input?: string): string {
  const res = spawnSync('kubectl', args, { encoding: 'utf8', input });
  if (res.status !== 0) throw new Error((res.stderr || res.stdout || `kubectl ${args[0]} failed`).trim());
  return res.stdout;
}

export function whoami(): { username: string; groups: string[] } {
  const review = JSON.parse(kubectl(['auth', 'whoami', '-o', 'json'])) as {
    status: { userInfo: { username: string; groups?: string[] } };
  };
  return { username: review.status.userInfo.username, groups: review.status.userInfo.groups ?? [] };
}

export const ns = (namespace: string | undefined) => (namespace ? ['-n', namespace] : []);

/** kubectl's namespace when no -n is given: the current context's, else default. */
export function currentNamespace(): string {
  return kubectl(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).trim() || 'default';
}

const isForbidden = (err: unknown) => /\bforbidden\b/i.test(errorMessage(err));

/** Runs kubectl; undefined when the API server says the user may not. */
function unlessForbidden(args: string[]): string | undefined {
  try {
    return kubectl(args);
  } catch (err) {
    if (isForbidden(err)) return undefined;
    throw err;
  }
}

/** Items of a kind in one namespace (`-n NS`) or all (`-A`); undefined when the user may not list them. */
function itemsIn<T>(resource: string, args: string[]): T[] | undefined {
  const out = unlessForbidden(['get', resource, ...args, '-o', 'json']);
  return out === undefined ? undefined : (JSON.parse(out) as { items: T[] }).items;
}

export interface Found<T> {
  items: T[];
  searched: string;
  notes: string[];
}

/**
 * Items of a kind in every namespace the user may read: cluster-wide when allowed, else namespace by
 * namespace, naming the ones that could not be read. `label` names the kind in notes ("Approvals").
 */
function everywhere<T>(resource: string, label: string): Found<T> {
  const all = itemsIn<T>(resource, ['-A']);
  if (all) return { items: all, searched: 'any namespace', notes: [] };
  const names = unlessForbidden(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}']);
  if (names === undefined) {
    const here = currentNamespace();
    const items = itemsIn<T>(resource, ['-n', here]);
    return {
      items: items ?? [],
      searched: `namespace ${here}`,
      notes: [
        `you may not list namespaces, so only ${here} was searched: name others with -n NAMESPACE`,
        ...(items ? [] : [`could not read ${label} in ${here} (forbidden)`]),
      ],
    };
  }
  const items: T[] = [];
  const unreadable: string[] = [];
  const readable: string[] = [];
  for (const namespace of names.split(/\s+/).filter(Boolean)) {
    const found = itemsIn<T>(resource, ['-n', namespace]);
    if (found) {
      readable.push(namespace);
      items.push(...found);
    } else unreadable.push(namespace);
  }
  return {
    items,
    searched: `the namespaces you may read (${readable.join(', ') || 'none'})`,
    notes: unreadable.length ? [`could not read ${label} in ${unreadable.join(', ')} (forbidden)`] : [],
  };
}

/** Items of a kind in the namespace asked for (else kubectl's current one), or everywhere the user may read. */
export function find<T>(
  resource: string,
  label: string,
  namespace: string | undefined,
  all: boolean,
  me: () => { username: string },
): Found<T> {
  if (all) return everywhere<T>(resource, label);
  const here = namespace ?? currentNamespace();
  const items = itemsIn<T>(resource, ['-n', here]);
  if (!items) throw new Error(`${me().username} may not list ${label} in namespace ${here}`);
  return { items, searched: `namespace ${here}`, notes: [] };
}
