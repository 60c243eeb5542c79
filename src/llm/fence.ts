// The fence around cluster text in a prompt. Its tag is random for each prompt
// (128 bits), so text written into the cluster beforehand cannot close it;
// the text is normalised first, and anything in it that still looks like a
// fence (this one, any data-<hex> tag, the old <cluster-data> marker, in any
// case, with look-alike letters or spaced out) loses its angle brackets.
import { randomBytes } from 'node:crypto';
import { normalizeText, skeleton } from './normalize.js';

export interface Fence {
  /** the tag name, e.g. data-7f3a…: `<tag …>` opens, `</tag>` closes */
  readonly tag: string;
}

/** Random bytes in the tag (≥ 12, i.e. 96 bits, or the fence could be guessed). */
export const FENCE_BYTES = 16;

export function newFence(bytes: Buffer = randomBytes(FENCE_BYTES)): Fence {
  if (bytes.length < 12) throw new RangeError('a fence needs at least 96 random bits');
  return { tag: `data-${bytes.toString('hex')}` };
}

/** How far after a fence-like name its `>` may be looked for (bounded: no quadratic scan of a long line). */
const TAG_REACH = 256;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Tag-like text that names a fence, on the skeleton (lower case, Latin, `-` for `_`). */
const fenceLike = (fence: Fence) =>
  new RegExp(
    `<[\\s/]*(?:${escapeRegExp(fence.tag)}|cluster[\\s-]*data|data[\\s-]*[0-9a-f]{8,})[^<>\\n]{0,${TAG_REACH}}>?`,
    'g',
  );

/** Normalised text, with the angle brackets of anything that looks like a fence replaced by ‹ and ›. */
export function defuse(text: string, fence: Fence): string {
  const normalized = normalizeText(text);
  const chars = normalized.split('');
  let changed = false;
  for (const m of skeleton(normalized).matchAll(fenceLike(fence))) {
    for (let i = m.index; i < m.index + m[0].length; i++) {
      const c = m[0][i - m.index];
      if (c === '<' || c === '>') {
        chars[i] = c === '<' ? '‹' : '›';
        changed = true;
      }
    }
  }
  return changed ? chars.join('') : normalized;
}

/** One piece of cluster text inside the fence, its source as a single-line attribute. */
export function fenceEvidence(source: string, text: string, fence: Fence): string {
  const label = defuse(source, fence).replace(/\s+/g, ' ').replace(/"/g, "'").trim().slice(0, TAG_REACH);
  return `<${fence.tag} source="${label}">\n${defuse(text, fence)}\n</${fence.tag}>`;
}
