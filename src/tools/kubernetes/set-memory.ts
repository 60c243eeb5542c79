// k8s.set-memory: a container's memory limit (and request) in a workload's pod
// template, as a strategic merge patch that leaves CPU and every other field
// alone. The request never ends above the limit (the API server refuses a pod
// whose request exceeds its limit): a request left unset by the step but above
// the new limit is lowered to it. Idempotent for one step, dry-run with
// ctx.dryRun, like every mutating tool.
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { defineTool } from '../tool.js';
import { MemoryQuantity, parseQuantity } from './quantity.js';
import { ContainerParam, resolveTarget, ROLLABLE, targetOf } from './target.js';
import { actsOn, patchesTarget, replacesEveryPod } from './write.js';
import { dry, written } from './write-call.js';

interface Resources {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
}

interface Workload extends KubeObject {
  spec?: { template?: { spec?: { containers?: { name: string; resources?: Resources }[] } } };
}

const bytes = (q: string | undefined) => (q === undefined ? undefined : parseQuantity(q));

export const SetMemoryParams = z
  .strictObject({
    target: targetOf(ROLLABLE),
    container: ContainerParam,
    limit: MemoryQuantity,
    request: MemoryQuantity.optional(),
  })
  .refine((p) => p.request === undefined || (bytes(p.request) ?? 0) <= (bytes(p.limit) ?? 0), {
    message: 'request must not exceed limit',
    path: ['request'],
  });
export type SetMemoryParams = z.infer<typeof SetMemoryParams>;

/** The request the patch writes: the step's, or the current one lowered to the limit when above it, or none. */
export function requestToWrite(limit: string, request: string | undefined, current: string | undefined) {
  if (request !== undefined) return request;
  const now = bytes(current);
  const max = bytes(limit);
  return now !== undefined && max !== undefined && now > max ? limit : undefined;
}

export const setMemory = defineTool({
  name: 'k8s.set-memory',
  description:
    "Set a container's memory limit (and optionally request; a request above the new limit is lowered to it) " +
    'in a Deployment, StatefulSet or DaemonSet',
  params: SetMemoryParams,
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  undo: ({ target, container }, before) => {
    const was = before.containers.find((c) => c.name === container);
    if (!actsOn(target, before) || !was?.memoryLimit || parseQuantity(was.memoryLimit) === undefined) return undefined;
    // the request as it was, if it still fits the limit it goes back to
    const request =
      was.memoryRequest !== undefined && (bytes(was.memoryRequest) ?? Infinity) <= (bytes(was.memoryLimit) ?? 0)
        ? was.memoryRequest
        : undefined;
    return {
      tool: 'k8s.set-memory',
      params: { target, container, limit: was.memoryLimit, ...(request && { request }) },
      description: `set ${container}'s memory limit back to ${was.memoryLimit}`,
    };
  },
  // every pod is replaced with the new limit
  impact: replacesEveryPod,
  access: patchesTarget,
  async execute(ctx, { target, container, limit, request }) {
    const { resource, name } = resolveTarget(target);
    const w = await ctx.reader.get<Workload>(resource, ctx.namespace, name);
    const c = w.spec?.template?.spec?.containers?.find((x) => x.name === container);
    if (!c) {
      const names = (w.spec?.template?.spec?.containers ?? []).map((x) => x.name).join(', ');
      throw new BosunError('BOSUN_ERR_TOOL_FAILED', `${target} has no container ${container} (containers: ${names})`);
    }
    const req = requestToWrite(limit, request, c.resources?.requests?.memory);
    const resources = { limits: { memory: limit }, ...(req && { requests: { memory: req } }) };
    const body = { spec: { template: { spec: { containers: [{ name: container, resources }] } } } };
    const out = await written(
      ctx,
      async () => w,
      // the request was chosen from this read: a workload changed since makes the patch conflict
      (resourceVersion) =>
        ctx.client.patch(resource, ctx.namespace, name, body, { dryRun: ctx.dryRun, strategic: true, resourceVersion }),
    );
    const was = c.resources?.limits?.memory ?? 'none';
    return {
      summary:
        `set ${target} container ${container} memory limit ${was} → ${limit}` +
        `${req ? `, request ${req}` : ''}${dry(ctx.dryRun)}`,
      data: { container, limit, ...(req && { request: req }), previousLimit: was },
      changes: out.changes,
    };
  },
});
