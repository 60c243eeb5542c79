// Read-only Kubernetes tools: get, list, describe, logs, events.
import { z } from 'zod';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { core, resourcePath } from '../../kube/resources.js';
import { defineTool, type ToolContext } from '../tool.js';
import { eventLine, eventWindow, type CoreEvent } from './events.js';
import { ContainerParam, KindParam, NameParam, resolveKind, resolveTarget, TargetParam } from './target.js';

const read = { risk: 'none', effect: 'read', reversible: true } as const;

/** A label selector: printable, no control characters (it is shown and sent as a query parameter). */
const SELECTOR = /^[^\p{C}]*$/u;

async function eventsFor(ctx: ToolContext, name?: string, uid?: string): Promise<string[]> {
  const selector = uid ? `involvedObject.uid=${uid}` : name ? `involvedObject.name=${name}` : undefined;
  const { items } = await ctx.client.list<CoreEvent & KubeObject>(core.coreEvents, {
    namespace: ctx.namespace,
    fieldSelector: selector,
  });
  return eventWindow(items).map(eventLine);
}

export const get = defineTool({
  name: 'k8s.get',
  description: "Read one object (kind/name) in the Goal's namespace",
  params: z.strictObject({ target: TargetParam }),
  ...read,
  async execute(ctx, { target }) {
    const { resource, name } = resolveTarget(target);
    const obj = await ctx.client.get<KubeObject & { status?: unknown; spec?: unknown }>(resource, ctx.namespace, name);
    return {
      summary: `read ${target} (resourceVersion ${obj.metadata.resourceVersion})`,
      data: { spec: obj.spec, status: obj.status },
    };
  },
});

export const list = defineTool({
  name: 'k8s.list',
  description: "List objects of a kind in the Goal's namespace, optionally by label selector",
  params: z.strictObject({ kind: KindParam, labelSelector: z.string().max(512).regex(SELECTOR).optional() }),
  ...read,
  async execute(ctx, { kind, labelSelector }) {
    const { items } = await ctx.client.list(resolveKind(kind), { namespace: ctx.namespace, labelSelector });
    return { summary: `${items.length} ${kind}(s)`, data: { names: items.map((i) => i.metadata.name) } };
  },
});

export const describe = defineTool({
  name: 'k8s.describe',
  description: 'Read an object and its recent Events',
  params: z.strictObject({ target: TargetParam }),
  ...read,
  async execute(ctx, { target }) {
    const { resource, name } = resolveTarget(target);
    const obj = await ctx.client.get<KubeObject & { status?: unknown }>(resource, ctx.namespace, name);
    const events = await eventsFor(ctx, name, obj.metadata.uid);
    return { summary: `${target}: ${events.length} recent event(s)`, data: { status: obj.status, events } };
  },
});

export const logs = defineTool({
  name: 'k8s.logs',
  description: "Read the tail of a pod's container log (optionally the previous container's)",
  params: z.strictObject({
    pod: NameParam,
    container: ContainerParam.optional(),
    tailLines: z.int().min(1).max(1000).default(100),
    previous: z.boolean().default(false),
  }),
  ...read,
  async execute(ctx, { pod, container, tailLines, previous }) {
    const text = await ctx.client.getText(`${resourcePath(core.pods, { namespace: ctx.namespace, name: pod })}/log`, {
      container,
      tailLines,
      previous,
    });
    const lines = text.split('\n').filter(Boolean);
    return {
      summary: `${lines.length} log line(s) from pod/${pod}${previous ? ' (previous container)' : ''}`,
      data: { lines },
    };
  },
});

export const events = defineTool({
  name: 'k8s.events',
  description: "Recent Events in the Goal's namespace, optionally for one object",
  params: z.strictObject({ target: TargetParam.optional() }),
  ...read,
  async execute(ctx, { target }) {
    const name = target ? resolveTarget(target).name : undefined;
    const found = await eventsFor(ctx, name);
    return { summary: `${found.length} event(s)`, data: { events: found } };
  },
});
