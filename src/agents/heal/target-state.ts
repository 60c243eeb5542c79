// The target as a heal plan finds it, for the tools' undo steps (the registry's
// undo(step, target)): the memory limits included, so that k8s.set-memory can
// say what to set back.
import type { TargetState } from '../../tools/tool.js';
import type { HealEvidence } from './evidence.js';

export function targetStateOf(e: HealEvidence): TargetState | null {
  const w = e.workload;
  if (!w) return null;
  return {
    kind: w.kind.toLowerCase(),
    name: w.name,
    replicas: w.replicas,
    ...(w.revision !== undefined && { revision: w.revision }),
    containers: w.containers.map((c) => ({ ...c })),
  };
}
