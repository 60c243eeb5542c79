// Mutating Kubernetes tools that act on a workload (scale, restart, image,
// rollback, delete); apply.ts writes manifests and patches. Each is idempotent
// for one step: running it again after a crash (same idempotency key and start
// time) changes nothing more. With ctx.dryRun they ask the API server for a
// server-side dry-run instead.
import { z } from 'zod';
import { BosunError, hasCode } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { core, type Resource } from '../../kube/resources.js';
import { defineTool, type Change, type TargetState, type ToolContext } from '../tool.js';
import { ContainerParam, resolveTarget, ROLLABLE, SCALABLE, targetOf, TargetParam } from './target.js';
import { dry, need, written } from './write-call.js';

/** Whether `target` (kind/name) names the workload the plan was made against. */
export const actsOn = (target: string, before: TargetState) => {
  const { resource, name } = resolveTarget(target);
  return name === before.name && resource.kind.toLowerCase() === before.kind.toLowerCase();
};

/** A step that replaces (or removes) every pod of its target. */
export const replacesEveryPod = (_params: unknown, target: { replicas: number }) => ({
  objects: 1,
  pods: target.replicas,
});

/** The scale subresource as it is now, read as Bosun (for the dry-run's diff). */
const scaleOf = async (ctx: ToolContext, resource: Resource, name: string) => {
  const w = await ctx.reader.get<KubeObject & { spec?: { replicas?: number } }>(resource, ctx.namespace, name);
  return { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: w.metadata, spec: { replicas: w.spec?.replicas } };
};

export const scale = defineTool({
  name: 'k8s.scale',
  description: 'Set the replica count of a Deployment, StatefulSet or ReplicaSet (its scale subresource)',
  params: z.strictObject({ target: targetOf(SCALABLE), replicas: z.int().min(0).max(10000) }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  undo: ({ target }, before) =>
    actsOn(target, before)
      ? {
          tool: 'k8s.scale',
          params: { target, replicas: before.replicas },
          description: `scale back to ${before.replicas}`,
        }
      : undefined,
  impact: ({ replicas }, target) => ({ objects: 1, pods: Math.abs(replicas - target.replicas) }),
  async access({ target }, ctx) {
    const { resource, name } = resolveTarget(target);
    return [need('patch', resource, ctx.namespace, name, 'scale')];
  },
  async execute(ctx, { target, replicas }) {
    const { resource, name } = resolveTarget(target);
    const w = await written(
      ctx,
      () => scaleOf(ctx, resource, name),
      (resourceVersion) =>
        ctx.client.patch(
          resource,
          ctx.namespace,
          name,
          { spec: { replicas } },
          { subresource: 'scale', dryRun: ctx.dryRun, resourceVersion },
        ),
    );
    return {
      summary: `scaled ${target} to ${replicas} replicas${dry(ctx.dryRun)}`,
      data: { replicas },
      changes: w.changes,
    };
  },
});

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Mutating tools that patch the target workload itself. */
export const patchesTarget = async <P extends { target: string }>(params: P, ctx: { namespace: string }) => {
  const { resource, name } = resolveTarget(params.target);
  return [need('patch', resource, ctx.namespace, name)];
};

export const rolloutRestart = defineTool({
  name: 'k8s.rollout-restart',
  description: 'Restart the pods of a Deployment, StatefulSet or DaemonSet (as kubectl rollout restart)',
  params: z.strictObject({ target: targetOf(ROLLABLE) }),
  risk: 'low',
  effect: 'mutate',
  reversible: true,
  impact: replacesEveryPod,
  access: patchesTarget,
  async execute(ctx, { target }) {
    const { resource, name } = resolveTarget(target);
    // the annotation value is the step's first start time: a re-run sets the same value, so no second rollout
    const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: ctx.stepStartedAt } } } } };
    const w = await written(
      ctx,
      () => ctx.reader.get(resource, ctx.namespace, name),
      (resourceVersion) =>
        ctx.client.patch(resource, ctx.namespace, name, body, { dryRun: ctx.dryRun, resourceVersion }),
    );
    return {
      summary: `restarted ${target} (${RESTARTED_AT}=${ctx.stepStartedAt})${dry(ctx.dryRun)}`,
      changes: w.changes,
    };
  },
});

export const setImage = defineTool({
  name: 'k8s.set-image',
  description: 'Set a container image of a Deployment, StatefulSet or DaemonSet',
  params: z.strictObject({
    target: targetOf(ROLLABLE),
    container: ContainerParam,
    // printable, no spaces: an image reference is shown to approvers and written into the pod template
    image: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[^\s\p{C}]+$/u, 'must be an image reference, without spaces or control characters'),
  }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  undo: ({ target, container }, before) => {
    const image = before.containers.find((c) => c.name === container)?.image;
    return actsOn(target, before) && image
      ? {
          tool: 'k8s.set-image',
          params: { target, container, image },
          description: `set ${container}'s image back to ${image}`,
        }
      : undefined;
  },
  impact: replacesEveryPod,
  access: patchesTarget,
  async execute(ctx, { target, container, image }) {
    const { resource, name } = resolveTarget(target);
    const body = { spec: { template: { spec: { containers: [{ name: container, image }] } } } };
    const w = await written(
      ctx,
      () => ctx.reader.get(resource, ctx.namespace, name),
      (resourceVersion) =>
        ctx.client.patch(resource, ctx.namespace, name, body, { dryRun: ctx.dryRun, strategic: true, resourceVersion }),
    );
    return { summary: `set ${target} container ${container} to ${image}${dry(ctx.dryRun)}`, changes: w.changes };
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
  params: z.strictObject({
    target: targetOf(['deployment']),
    toRevision: z
      .int()
      .min(1)
      .max(2 ** 31 - 1),
  }),
  risk: 'medium',
  effect: 'mutate',
  reversible: true,
  undo: ({ target }, before) =>
    actsOn(target, before) && before.revision
      ? {
          tool: 'k8s.rollout-undo',
          params: { target, toRevision: before.revision },
          description: `roll forward again to revision ${before.revision}`,
        }
      : undefined,
  impact: replacesEveryPod,
  access: patchesTarget,
  async execute(ctx, { target, toRevision }) {
    const { resource, name } = resolveTarget(target);
    if (resource !== core.deployments)
      throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `k8s.rollout-undo works on deployments, not ${target}`);
    const deployment = await ctx.reader.get<
      KubeObject & { spec: { selector: { matchLabels?: Record<string, string> } } }
    >(resource, ctx.namespace, name);
    const selector = Object.entries(deployment.spec.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const { items } = await ctx.reader.list<ReplicaSet>(core.replicasets, {
      namespace: ctx.namespace,
      labelSelector: selector,
    });
    const owned = items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid));
    // a ReplicaSet brought back keeps its old revision numbers in revision-history: a re-run finds it too
    const rs = owned.find((r) => {
      const a = r.metadata.annotations ?? {};
      return a[REVISION] === String(toRevision) || (a[HISTORY] ?? '').split(',').includes(String(toRevision));
    });
    if (!rs) {
      const revisions = owned.map((r) => r.metadata.annotations?.[REVISION]).join(', ');
      throw new BosunError(
        'BOSUN_ERR_TOOL_FAILED',
        `${target} has no revision ${toRevision} any more (revisions: ${revisions})`,
      );
    }
    const { ['pod-template-hash']: _hash, ...labels } = rs.spec.template.metadata?.labels ?? {};
    const template = { ...rs.spec.template, metadata: { ...rs.spec.template.metadata, labels } };
    const w = await written(
      ctx,
      async () => deployment,
      // the template was chosen from this read: a Deployment changed since makes the patch conflict
      (resourceVersion) =>
        ctx.client.patch(
          resource,
          ctx.namespace,
          name,
          { spec: { template } },
          { dryRun: ctx.dryRun, resourceVersion },
        ),
    );
    return {
      summary: `rolled ${target} back to revision ${toRevision}${dry(ctx.dryRun)}`,
      data: { toRevision },
      changes: w.changes,
    };
  },
});

export const del = defineTool({
  name: 'k8s.delete',
  description: 'Delete an object (propagation Background, Foreground or Orphan)',
  params: z.strictObject({
    target: TargetParam,
    propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).default('Background'),
  }),
  risk: 'high',
  effect: 'destroy',
  reversible: false,
  impact: replacesEveryPod,
  async access({ target }, ctx) {
    const { resource, name } = resolveTarget(target);
    return [need('delete', resource, ctx.namespace, name)];
  },
  async execute(ctx, { target, propagationPolicy }) {
    const { resource, name } = resolveTarget(target);
    let changes: Change[] | undefined;
    try {
      if (ctx.dryRun) changes = [{ before: await ctx.reader.get(resource, ctx.namespace, name) }];
      await ctx.client.delete(resource, ctx.namespace, name, { propagationPolicy, dryRun: ctx.dryRun });
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_KUBE_NOT_FOUND')) throw err;
      return { summary: `${target} was already gone` }; // a re-run after the delete landed
    }
    return { summary: `deleted ${target}${dry(ctx.dryRun)}`, changes };
  },
});
