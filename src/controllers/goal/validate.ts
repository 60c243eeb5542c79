// Spec checks that CEL cannot express. Pure. A Goal that fails one is Stalled
// with the reason and a message that says what to change.
import { parseAllDocuments } from 'yaml';
import type { GoalSpec, IntentType } from '../../api/v1alpha1/goal.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import { parseTarget } from '../../tools/kubernetes/target.js';

export interface Stall {
  reason: GoalReason;
  message: string;
}

/** Which kinds each intent type can act on; undefined: every kind. */
export const supportedKinds: Record<IntentType, string[] | undefined> = {
  scale: ['deployment', 'statefulset', 'replicaset'],
  restart: ['deployment', 'statefulset', 'daemonset'],
  rollback: ['deployment'],
  'deploy-image': ['deployment', 'statefulset', 'daemonset'],
  apply: undefined,
  delete: undefined,
  diagnose: ['deployment', 'statefulset', 'daemonset', 'pod', 'service', 'job'],
};

// docker reference grammar, simplified: [registry[:port]/]path[:tag][@digest]
const imageRef =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}` : (xs[0] ?? ''));

export function validateGoal(spec: GoalSpec, namespace: string): Stall | undefined {
  if (spec.targetNamespace && spec.targetNamespace !== namespace) {
    return {
      reason: GoalReason.CrossNamespaceTarget,
      message: `a Goal acts in its own namespace (${namespace}), not in ${spec.targetNamespace}: create the Goal in namespace ${spec.targetNamespace} instead`,
    };
  }
  const tools = spec.tools ?? [];
  const dup = tools.find((t, i) => tools.indexOf(t) !== i);
  if (dup) return { reason: GoalReason.DuplicateTool, message: `spec.tools lists ${dup} twice: list each tool once` };

  const intent = spec.intent;
  if (!intent) return undefined;
  if (intent.target) {
    const { kind, name } = parseTarget(intent.target);
    const kinds = supportedKinds[intent.type];
    if (kinds && !kinds.includes(kind)) {
      return {
        reason: GoalReason.UnsupportedTarget,
        message: `a ${intent.type} intent acts on a ${list(kinds)}, not on ${kind}/${name}: change spec.intent.target`,
      };
    }
  }
  if (intent.type === 'deploy-image' && intent.image && !imageRef.test(intent.image)) {
    return {
      reason: GoalReason.InvalidImage,
      message: `spec.intent.image "${intent.image}" is not an image reference (for example registry.example.com/web:1.4.2)`,
    };
  }
  if (intent.type === 'apply' && intent.manifest) return validateManifest(intent.manifest);
  return undefined;
}

function validateManifest(manifest: string): Stall | undefined {
  const docs = parseAllDocuments(manifest);
  const objects: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    if (doc.errors.length) {
      return {
        reason: GoalReason.InvalidManifest,
        message: `spec.intent.manifest document ${i + 1} is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}): fix the YAML`,
      };
    }
    const value = doc.toJS() as unknown;
    if (value !== null) objects.push(value);
  }
  if (!objects.length)
    return {
      reason: GoalReason.InvalidManifest,
      message: 'spec.intent.manifest holds no object: add the manifest to apply',
    };
  for (const [i, o] of objects.entries()) {
    const obj = o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    if (
      typeof obj !== 'object' ||
      typeof obj.apiVersion !== 'string' ||
      typeof obj.kind !== 'string' ||
      typeof obj.metadata?.name !== 'string'
    ) {
      return {
        reason: GoalReason.InvalidManifest,
        message: `spec.intent.manifest object ${i + 1} is incomplete: give it apiVersion, kind and metadata.name`,
      };
    }
  }
  return undefined;
}
