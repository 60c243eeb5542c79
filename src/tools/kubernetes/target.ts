// Resolving `kind/name` targets and manifest kinds to API resources.
import { z } from 'zod';
import { BosunError } from '../../api/errors.js';
import { core, type Resource } from '../../kube/resources.js';

const byKind: Record<string, Resource> = {
  deployment: core.deployments,
  statefulset: core.statefulsets,
  daemonset: core.daemonsets,
  replicaset: core.replicasets,
  pod: core.pods,
  service: core.services,
  configmap: core.configmaps,
  job: core.jobs,
};

// kubectl's short names and plurals
const aliases: Record<string, string> = {
  deploy: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  rs: 'replicaset',
  replicasets: 'replicaset',
  po: 'pod',
  pods: 'pod',
  svc: 'service',
  services: 'service',
  cm: 'configmap',
  configmaps: 'configmap',
  jobs: 'job',
};

/** deploy, Deployments, deployment → deployment */
export const canonicalKind = (kind: string) => aliases[kind.toLowerCase()] ?? kind.toLowerCase();

/** deployment/web → { kind: 'deployment', name: 'web' }, short names resolved; any kind. */
export function parseTarget(target: string): { kind: string; name: string } {
  const [kind = '', name = ''] = target.split('/');
  return { kind: canonicalKind(kind), name };
}

export const supportedKinds = Object.keys(byKind);

export const TargetParam = z
  .string()
  .regex(/^[a-zA-Z]+\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be kind/name, for example deployment/web');

export function resolveKind(kind: string): Resource {
  const r = byKind[canonicalKind(kind)];
  if (!r)
    throw new BosunError(
      'BOSUN_ERR_TOOL_PARAMS',
      `kind ${kind} is not supported; supported: ${supportedKinds.join(', ')}`,
    );
  return r;
}

export function resolveTarget(target: string): { resource: Resource; name: string } {
  const { kind, name } = parseTarget(target);
  return { resource: resolveKind(kind), name };
}

/** apiVersion + kind of a manifest object → resource (only the kinds Bosun knows). */
export function resolveManifestKind(apiVersion: string, kind: string): Resource {
  const r = resolveKind(kind);
  const expected = r.group ? `${r.group}/${r.version}` : r.version;
  if (apiVersion !== expected)
    throw new BosunError('BOSUN_ERR_TOOL_PARAMS', `${kind} must use apiVersion ${expected}, not ${apiVersion}`);
  return r;
}
