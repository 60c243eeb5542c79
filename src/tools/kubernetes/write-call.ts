// What every mutating Kubernetes call shares: how it says it was a dry-run,
// what it needs as RBAC sees it, and the read-then-conditional-write that makes
// a stale write conflict instead of landing.
import { hasCode } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { AccessAttributes } from '../../kube/access.js';
import type { Resource } from '../../kube/resources.js';
import type { Change, ToolContext } from '../tool.js';

export const dry = (d: boolean) => (d ? ' (server-side dry-run)' : '');

/** A merge patch's bound, as JSON (as an apply manifest's). */
export const MAX_PATCH_BYTES = 65536;

/** What one mutating call needs, as RBAC sees it. */
export const need = (verb: AccessAttributes['verb'], r: Resource, namespace: string, name: string, sub?: string) => ({
  verb,
  group: r.group,
  resource: r.plural,
  namespace,
  name,
  ...(sub && { subresource: sub }),
});

/**
 * Reads the object (as Bosun), then writes it on the condition that it is
 * unchanged since: the read's resourceVersion is the write's precondition, so
 * a write held up (a paused replica) conflicts instead of landing on a newer
 * object. With ctx.dryRun, the object before the call beside the API server's answer.
 */
export async function written<T>(
  ctx: ToolContext,
  read: () => Promise<unknown>,
  write: (resourceVersion: string | undefined) => Promise<T>,
): Promise<{ result: T; changes?: Change[] }> {
  let before: unknown;
  let unreadable = false;
  try {
    before = await read();
  } catch (err) {
    if (!hasCode(err, 'BOSUN_ERR_KUBE_FORBIDDEN')) throw err;
    unreadable = true; // Secrets: Bosun may write them through the executor but never reads them: no precondition
  }
  const result = await write((before as Partial<KubeObject> | undefined)?.metadata?.resourceVersion);
  if (!ctx.dryRun) return { result };
  return { result, changes: [{ before, after: result, ...(unreadable && { beforeUnreadable: true }) }] };
}
