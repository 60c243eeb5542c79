// The pipeline bench's stage graph: chains and fans, the same shape for both
// paths. Ten stages make one block: a root, a fan of four after it, a join, then
// a chain of two beside a single stage, and a join of those. A larger count
// starts a second block after the first one's last stage; a smaller count takes
// the first stages (each depends only on earlier ones, so any prefix is a valid
// graph). Pure.

export interface BenchStage {
  name: string;
  dependsOn: string[];
  /** the operator runs it itself (a report stage): no command, so only its turn (ready → written) is seen */
  inOperator?: true;
}

/** One block's stages, by their index in the block: what each depends on, by index. */
const BLOCK: readonly (readonly number[])[] = [
  [], // 0: the root (after the previous block's last stage)
  [0], // 1-4: a fan of four
  [0],
  [0],
  [0],
  [1, 2, 3, 4], // 5: the fan's join
  [5], // 6-7: a chain of two ...
  [6],
  [5], // 8: ... beside a single stage
  [7, 8], // 9: the join
];

/** The widest the graph gets: the stages that can run at once. */
export const BENCH_DAG_WIDTH = 4;

const stageName = (i: number) => `s${i}`;

/** `count` stages in blocks of BLOCK's shape; stage i is named `s<i>`. */
export function benchDag(count: number): BenchStage[] {
  return Array.from({ length: count }, (_, i) => {
    const block = Math.floor(i / BLOCK.length) * BLOCK.length;
    const deps = BLOCK[i % BLOCK.length] ?? [];
    const dependsOn = deps.length ? deps.map((d) => stageName(block + d)) : block > 0 ? [stageName(block - 1)] : [];
    return { name: stageName(i), dependsOn };
  });
}

/** The longest path through `stages` by `weight` (a stage's own time): the least a run can take. */
export function criticalPath(stages: readonly BenchStage[], weight: (name: string) => number): number {
  const longest = new Map<string, number>();
  // stages come in an order where each depends only on earlier ones (benchDag's)
  for (const s of stages) {
    const before = Math.max(0, ...s.dependsOn.map((d) => longest.get(d) ?? 0));
    longest.set(s.name, before + weight(s.name));
  }
  return Math.max(0, ...longest.values());
}
