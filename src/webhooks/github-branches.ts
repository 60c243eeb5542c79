// Which pushed branches start a Pipeline's runs (pure): a push names a ref,
// refs/heads/<branch> for a branch; the Pipeline's spec.trigger.branches are
// names or patterns where * matches any run of characters but /, and with no
// patterns the one branch is spec.source.branch.

const HEADS = 'refs/heads/';

/** The branch a pushed ref names; undefined for a tag (refs/tags/…) or anything else. */
export function branchOfRef(ref: string): string | undefined {
  return ref.startsWith(HEADS) && ref.length > HEADS.length ? ref.slice(HEADS.length) : undefined;
}

/** `*` matching any run of characters in a segment without /: greedy, back to the last star, O(n·m). */
function segmentMatches(pattern: string, segment: string): boolean {
  let [p, s, star, mark] = [0, 0, -1, 0];
  while (s < segment.length) {
    if (pattern[p] === '*') [star, mark, p] = [p, s, p + 1];
    else if (p < pattern.length && pattern[p] === segment[s]) [p, s] = [p + 1, s + 1];
    else if (star >= 0) [p, s, mark] = [star + 1, mark + 1, mark + 1];
    else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Whether `branch` matches `pattern`: * is any run of characters except /, everything else is itself. No
 * regular expression is built from a pattern, so no pattern makes matching slow.
 */
export function branchMatches(pattern: string, branch: string): boolean {
  const [ps, bs] = [pattern.split('/'), branch.split('/')];
  return ps.length === bs.length && ps.every((p, i) => segmentMatches(p, bs[i] ?? ''));
}

/** Whether a push to `branch` starts a run of a Pipeline with these trigger branches and source branch. */
export function branchTriggers(patterns: readonly string[], sourceBranch: string, branch: string): boolean {
  return patterns.length ? patterns.some((p) => branchMatches(p, branch)) : branch === sourceBranch;
}
