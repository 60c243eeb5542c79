// The tools that write what a plan spells out: k8s.apply (a manifest, whole
// or not at all) and k8s.patch (a merge patch). Idempotent per step, dry-run
// with ctx.dryRun, like every mutating tool.
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { KindMapper } from '../../kube/discovery.js';
import type { Resource } from '../../kube/resources.js';
import { defineTool, type Change } from '../tool.js';
import { parseManifest } from './manifest.js';
import { resolveTarget, TargetParam } from './target.js';
import { dry, MAX_PATCH_BYTES, need, written } from './write-call.js';

/** The objects of an apply manifest, each checked to be namespaced and in the Goal's namespace. */
export async function manifestObjects(
  manifest: string,
  ctx: { namespace: string; mapper: KindMapper },
): Promise<{ object: KubeObject; resource: Resource }[]> {
  const out: { object: KubeObject; resource: Resource }[] = [];
  for (const obj of parseManifest(manifest)) {
    const what = `${obj.kind}/${obj.metadata.name}`;
    const resource = await ctx.mapper.resolve(String(obj.apiVersion), String(obj.kind));
    if (!resource.namespaced) {
      throw new BosunError(
        'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE',
        `manifest object ${what} is cluster-scoped; a Goal acts only inside its namespace (${ctx.namespace})`,
      );
    }
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== ctx.namespace) {
      throw new BosunError(
        'BOSUN_ERR_TARGET_OUTSIDE_NAMESPACE',
        `manifest object ${what} names namespace ${String(ns)}; ` +
          `a Goal acts only inside its namespace (${ctx.namespace})`,
      );
    }
    out.push({ object: { ...obj, metadata: { ...obj.metadata, namespace: ctx.namespace } } as KubeObject, resource });
  }
  return out;
}

/** The manifest's objects as written, for the content risk rules (never throws: a bad manifest stalls elsewhere). */
function manifestContent(manifest: string): unknown[] {
  try {
    return parseManifest(manifest);
  } catch {
    return [];
  }
}

export const apply = defineTool({
  name: 'k8s.apply',
  description: "Server-side apply a YAML manifest into the Goal's namespace (namespaced kinds only)",
  params: z.strictObject({ manifest: z.string().min(1).max(65536) }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  creates: true,
  impact: ({ manifest }) => ({
    objects: Math.max(1, manifest.split(/^---$/m).filter((d) => d.trim()).length),
    pods: 0,
  }),
  async access({ manifest }, ctx) {
    const objects = await manifestObjects(manifest, ctx);
    return objects.flatMap(({ object, resource }) => [
      need('create', resource, ctx.namespace, object.metadata.name),
      need('patch', resource, ctx.namespace, object.metadata.name),
    ]);
  },
  content: ({ manifest }) => manifestContent(manifest),
  async execute(ctx, { manifest }) {
    const applied: string[] = [];
    const changes: Change[] = [];
    const objects = await manifestObjects(manifest, ctx);
    // all or nothing: the whole manifest passes a server-side dry-run before any object is written
    if (!ctx.dryRun && objects.length > 1) {
      for (const { object, resource } of objects)
        await ctx.client.apply(resource, object, { force: true, dryRun: true });
    }
    for (const { object, resource } of objects) {
      const w = await written(
        ctx,
        () => ctx.reader.tryGet(resource, ctx.namespace, object.metadata.name),
        () => ctx.client.apply(resource, object, { force: true, dryRun: ctx.dryRun }),
      );
      changes.push(...(w.changes ?? []));
      applied.push(`${String(object.kind).toLowerCase()}/${object.metadata.name}`);
    }
    return { summary: `applied ${applied.join(', ')}${dry(ctx.dryRun)}`, data: { applied }, changes };
  },
});

export const patch = defineTool({
  name: 'k8s.patch',
  description: 'JSON merge patch an object',
  params: z.strictObject({
    target: TargetParam,
    patch: z
      .record(z.string().max(253), z.unknown())
      .refine((p) => JSON.stringify(p).length <= MAX_PATCH_BYTES, `at most ${MAX_PATCH_BYTES / 1024} KiB as JSON`),
  }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  async access({ target }, ctx) {
    const { resource, name } = resolveTarget(target);
    return [need('patch', resource, ctx.namespace, name)];
  },
  content({ target, patch: body }) {
    const { resource, name } = resolveTarget(target);
    return [{ ...body, kind: resource.kind, metadata: { ...(body.metadata as object | undefined), name } }];
  },
  async execute(ctx, { target, patch: body }) {
    const { resource, name } = resolveTarget(target);
    const w = await written(
      ctx,
      () => ctx.reader.get(resource, ctx.namespace, name),
      (resourceVersion) =>
        ctx.client.patch(resource, ctx.namespace, name, body, { dryRun: ctx.dryRun, resourceVersion }),
    );
    return { summary: `patched ${target}${dry(ctx.dryRun)}`, changes: w.changes };
  },
});
