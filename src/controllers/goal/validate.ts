// Spec checks that CEL cannot express. Pure. A Goal that fails one is Stalled
// with the reason and a message that says what to change.
import { errorMessage, hasCode } from '../../api/errors.js';
import type { GoalSpec, IntentType } from '../../api/v1alpha1/goal.js';
import { GoalReason } from '../../api/v1alpha1/reasons.js';
import { parseManifest } from '../../tools/kubernetes/manifest.js';
import { parseTarget, supportedKinds as knownKinds } from '../../tools/kubernetes/target.js';

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
    const kinds = supportedKinds[intent.type] ?? knownKinds;
    if (!kinds.includes(kind)) {
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
  try {
    parseManifest(manifest);
    return undefined;
  } catch (err) {
    if (!hasCode(err, 'BOSUN_ERR_TOOL_PARAMS')) throw err;
    return {
      reason: GoalReason.InvalidManifest,
      message: `spec.intent.${errorMessage(err).replace(/^BOSUN_ERR_\w+: /, '')}: fix spec.intent.manifest`,
    };
  }
}
