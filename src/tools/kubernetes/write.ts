// Mutating Kubernetes tools. Each is idempotent for one step: running it again
// after a crash (same idempotency key and start time) changes nothing more.
// With ctx.dryRun they ask the API server for a server-side dry-run instead.
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { BosunError, hasCode } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { core } from '../../kube/resources.js';
import { defineTool } from '../tool.js';
import { resolveManifestKind, resolveTarget, TargetParam } from './target.js';

const dry = (d: boolean) => (d ? ' (server-side dry-run)' : '');

export const apply = defineTool({
  name: 'k8s.apply',
  description: "Server-side apply a YAML manifest into the Goal's namespace",
  params: z.object({ manifest: z.string().min(1).max(65536) }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { manifest }) {
    const objects = parseAllDocuments(manifest)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => o !== null);
    const applied: string[] = [];
    for (const obj of objects) {
      const resource = resolveManifestKind(String(obj.apiVersion), String(obj.kind));
      if (obj.metadata.namespace && obj.metadata.namespace !== ctx.namespace) {
        throw new BosunError(
          'BOSUN_ERR_TOOL_PARAMS',
          `manifest object ${obj.kind}/${obj.metadata.name} names namespace ${obj.metadata.namespace}; a Goal applies only into ${ctx.namespace}`,
        );
      }
      await ctx.client.apply(
        resource,
        { ...obj, metadata: { ...obj.metadata, namespace: ctx.namespace } },
        { force: true, dryRun: ctx.dryRun },
      );
      applied.push(`${String(obj.kind).toLowerCase()}/${obj.metadata.name}`);
    }
    return { summary: `applied ${applied.join(', ')}${dry(ctx.dryRun)}`, data: { applied } };
  },
});

export const patch = defineTool({
  name: 'k8s.patch',
  description: 'JSON merge patch an object',
  params: z.object({ target: TargetParam, patch: z.record(z.string(), z.unknown()) }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { target, patch: body }) {
    const { resource, name } = resolveTarget(target);
    await ctx.client.patch(resource, ctx.namespace, name, body, { dryRun: ctx.dryRun });
    return { summary: `patched ${target}${dry(ctx.dryRun)}` };
  },
});

export const scale = defineTool({
  name: 'k8s.scale',
  description: 'Set the replica count of a Deployment, StatefulSet or ReplicaSet',
  params: z.object({ target: TargetParam, replicas: z.int().min(0).max(10000) }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { target, replicas }) {
    const { resource, name } = resolveTarget(target);
    await ctx.client.patch(resource, ctx.namespace, name, { spec: { replicas } }, { dryRun: ctx.dryRun });
    return { summary: `scaled ${target} to ${replicas} replicas${dry(ctx.dryRun)}`, data: { replicas } };
  },
});

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export const rolloutRestart = defineTool({
  name: 'k8s.rollout-restart',
  description: 'Restart the pods of a Deployment, StatefulSet or DaemonSet (as kubectl rollout restart)',
  params: z.object({ target: TargetParam }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { target }) {
    const { resource, name } = resolveTarget(target);
    // the annotation value is the step's first start time: a re-run after a crash sets the same value, so no second rollout
    await ctx.client.patch(
      resource,
      ctx.namespace,
      name,
      { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: ctx.stepStartedAt } } } } },
      { dryRun: ctx.dryRun },
    );
    return { summary: `restarted ${target} (${RESTARTED_AT}=${ctx.stepStartedAt})${dry(ctx.dryRun)}` };
  },
});

export const setImage = defineTool({
  name: 'k8s.set-image',
  description: 'Set a container image of a Deployment, StatefulSet or DaemonSet',
  params: z.object({ target: TargetParam, container: z.string().min(1), image: z.string().min(1).max(512) }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { target, container, image }) {
    const { resource, name } = resolveTarget(target);
    await ctx.client.patch(
      resource,
      ctx.namespace,
      name,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      { dryRun: ctx.dryRun, strategic: true },
    );
    return { summary: `set ${target} container ${container} to ${image}${dry(ctx.dryRun)}` };
  },
});

interface ReplicaSet extends KubeObject {
  spec: {
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: unknown };
  };
}

const REVISION = 'deployment.kubernetes.io/revision';
const HISTORY = 'deployment.kubernetes.io/revision-history';

export const rolloutUndo = defineTool({
  name: 'k8s.rollout-undo',
  description: 'Return a Deployment to the pod template of a given revision (as kubectl rollout undo --to-revision)',
  params: z.object({ target: TargetParam, toRevision: z.int().min(1) }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  async execute(ctx, { target, toRevision }) {
    const { resource, name } = resolveTarget(target);
    if (resource !== core.deployments)
      throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `k8s.rollout-undo works on deployments, not ${target}`);
    const deployment = await ctx.client.get<
      KubeObject & { spec: { selector: { matchLabels?: Record<string, string> } } }
    >(resource, ctx.namespace, name);
    const selector = Object.entries(deployment.spec.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const { items } = await ctx.client.list<ReplicaSet>(core.replicasets, {
      namespace: ctx.namespace,
      labelSelector: selector,
    });
    const owned = items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid));
    // a ReplicaSet brought back keeps its old revision numbers in revision-history: a re-run finds it too
    const rs = owned.find((r) => {
      const a = r.metadata.annotations ?? {};
      return a[REVISION] === String(toRevision) || (a[HISTORY] ?? '').split(',').includes(String(toRevision));
    });
    if (!rs)
      throw new BosunError(
        'BOSUN_ERR_TOOL_FAILED',
        `${target} has no revision ${toRevision} any more (revisions: ${owned.map((r) => r.metadata.annotations?.[REVISION]).join(', ')})`,
      );
    const { ['pod-template-hash']: _hash, ...labels } = rs.spec.template.metadata?.labels ?? {};
    const template = { ...rs.spec.template, metadata: { ...rs.spec.template.metadata, labels } };
    await ctx.client.patch(resource, ctx.namespace, name, { spec: { template } }, { dryRun: ctx.dryRun });
    return { summary: `rolled ${target} back to revision ${toRevision}${dry(ctx.dryRun)}`, data: { toRevision } };
  },
});

export const del = defineTool({
  name: 'k8s.delete',
  description: 'Delete an object (propagation Background, Foreground or Orphan)',
  params: z.object({
    target: TargetParam,
    propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).default('Background'),
  }),
  risk: 'high',
  effect: 'destroy',
  reversible: false,
  async execute(ctx, { target, propagationPolicy }) {
    const { resource, name } = resolveTarget(target);
    try {
      await ctx.client.delete(resource, ctx.namespace, name, { propagationPolicy, dryRun: ctx.dryRun });
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) throw err;
      return { summary: `${target} was already gone` }; // a re-run after the delete landed
    }
    return { summary: `deleted ${target}${dry(ctx.dryRun)}` };
  },
});
