// Text from outside Bosun (cluster objects, logs, a model's answer) as one
// canonical form before anyone compares or shows it: look-alike and invisible
// characters are how a fence or a marker is smuggled past an exact match, and
// how a terminal is made to show something other than what is there.

/**
 * Invisible formatting (Unicode Cf: zero-width characters, bidi overrides and isolates, soft hyphen, tag
 * characters used to smuggle ASCII), control characters (C0, DEL, C1) except newline and tab, and lone
 * surrogates (they make NFKC and every later comparison unreliable).
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Cs}]/gu;
const KEEP = new Set(['\n', '\t']);

/**
 * NFKC (fullwidth and small-form brackets become ASCII, ligatures split), with invisible and control
 * characters removed; CRLF, CR and the Unicode line separators become newlines, so nothing overwrites a line.
 */
export function normalizeText(s: string): string {
  const strip = (t: string) => t.replace(INVISIBLE, (c) => (KEEP.has(c) ? c : ''));
  const lines = s.replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n');
  // stripped before NFKC too: a zero-width character between two halves must not stop them composing
  return strip(strip(lines).normalize('NFKC'));
}

/** Letters from other scripts that look like Latin ones, and punctuation that looks like ASCII. */
const LOOKALIKE: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', ѵ: 'v', ɡ: 'g', һ: 'h', ь: 'b', г: 'r',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  γ: 'y', ζ: 'z', δ: 'd', ω: 'w',
  // dashes, slashes and angle brackets NFKC leaves alone
  '_': '-', '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-', '⁃': '-',
  '∕': '/', '⁄': '/', '⧸': '/',
  '˂': '<', '˃': '>', 'ᐸ': '<', 'ᐳ': '>', '〈': '<', '〉': '>', '⟨': '<', '⟩': '>', '❮': '<', '❯': '>',
}; // prettier-ignore

/**
 * A skeleton of normalised text for comparisons only: lower case, look-alikes mapped to Latin and ASCII,
 * `_` as `-`. One UTF-16 unit for each unit of the input, so a match in it is a match at the same
 * offsets in the input.
 */
export function skeleton(normalized: string): string {
  let out = '';
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charAt(i);
    const lower = c.toLowerCase();
    const one = lower.length === 1 ? lower : c;
    out += LOOKALIKE[one] ?? one;
  }
  return out;
}
