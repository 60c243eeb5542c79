// Registered secret values (read from a Secret Bosun's tools touched) are matched in the forms they
// take in evidence and logs, not only verbatim:
// - split across lines or indented (whitespace, or a JSON-escaped `\n`, between any two characters);
// - re-cased (`Hunter2` logged as `HUNTER2`);
// - base64-encoded, standard and URL-safe, and inside a longer base64 string (a Secret's `data`,
//   a Basic header, a kubeconfig): at each of the three byte alignments the value's bytes can start
//   at, the base64 characters that depend on the value alone are always the same, so they are matched.
import type { Pattern } from './pattern.js';

const GAP = String.raw`(?:\s|\\[nrt])*`;
const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const spread = (s: string) => [...s].map(escape).join(GAP);

/** The base64 characters fixed by the value's bytes when they start at byte offset `k` of a longer string. */
function core(bytes: Buffer, k: number): string {
  const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
  return b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
}

/** Every base64 spelling of the value that is worth matching, longest first. */
export function base64Variants(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const std = [bytes.toString('base64'), core(bytes, 0), core(bytes, 1), core(bytes, 2)];
  const url = std.map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  return [...new Set([...std, ...url])].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
}

/** The patterns that find one registered value in all its forms. */
export function secretValuePatterns(value: string, kind = 'secret-value'): Pattern[] {
  return [
    { kind, regex: new RegExp(spread(value), 'gi') },
    { kind, regex: new RegExp(base64Variants(value).map(spread).join('|'), 'g') },
  ];
}
