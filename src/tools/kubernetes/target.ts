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

/** The longest `kind/name`: a kind (≤ 63) and an object name (≤ 253, as Kubernetes allows). */
const TARGET_MAX = 63 + 1 + 253;

/**
 * A `kind/name` param whose kind is one of `kinds` (short names and plurals allowed): a step naming a kind
 * the tool cannot act on is refused when the plan is checked, not when it runs.
 */
export const targetOf = (kinds: readonly string[]) =>
  z
    .string()
    .max(TARGET_MAX)
    .regex(/^[a-zA-Z]{1,63}\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be kind/name, for example deployment/web')
    .refine((t) => kinds.includes(parseTarget(t).kind), {
      message: `the kind must be one of ${kinds.join(', ')}`,
    })
    .describe(`kind/name, the kind one of: ${kinds.join(', ')}`);

/** An object name (DNS-1123 subdomain, as most kinds require). */
export const NameParam = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be an object name (lower case letters, digits, - and .)');

/** A container name (DNS-1123 label). */
export const ContainerParam = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a container name (lower case letters, digits and -)');

/** A target of any kind Bosun knows. */
export const TargetParam = targetOf(Object.keys(byKind));

/** A kind Bosun knows (short names and plurals allowed). */
export const KindParam = z
  .string()
  .min(1)
  .max(63)
  .refine((k) => canonicalKind(k) in byKind, { message: `the kind must be one of ${Object.keys(byKind).join(', ')}` })
  .describe(`one of: ${Object.keys(byKind).join(', ')}`);

/** Kinds with a scale subresource. */
export const SCALABLE = ['deployment', 'statefulset', 'replicaset'] as const;
/** Kinds with a pod template that rolls out. */
export const ROLLABLE = ['deployment', 'statefulset', 'daemonset'] as const;

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
