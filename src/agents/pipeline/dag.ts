// The stage graph of a Pipeline: dependsOn edges, checked for cycles (CEL can
// check that each name exists, not that the graph has no loop), and the stages
// in an order where each comes after what it depends on.
export interface StageNode {
  name: string;
  dependsOn: readonly string[];
}

/** A cycle as its stage names, each depending on the next (`a → b → a`); undefined when there is none. */
export function cycleIn(stages: readonly StageNode[]): string[] | undefined {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    path.push(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) {
      const found = byName.has(dep) ? visit(dep) : undefined;
      if (found) return found;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of stages) {
    const found = visit(s.name);
    if (found) return found;
  }
  return undefined;
}

/** The stages, each after every stage it depends on; among ready stages, the spec's order. No cycles assumed. */
export function topologicalOrder<S extends StageNode>(stages: readonly S[]): S[] {
  const done = new Set<string>();
  const out: S[] = [];
  while (out.length < stages.length) {
    const next = stages.find((s) => !done.has(s.name) && s.dependsOn.every((d) => done.has(d)));
    if (!next) break; // a cycle: what is left cannot be ordered
    done.add(next.name);
    out.push(next);
  }
  return out;
}
