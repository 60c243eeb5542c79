// Everything a ticket says leaves the cluster: it is redacted first, then cut to
// the ticket system's limits, in that order (a cut made first could leave half a
// secret that no pattern then recognises). Pure.
import type { Redactor } from '../redact/index.js';
import type { TicketRequest, TicketSections } from './target.js';

/** What a cut piece of text ends with. */
export const CUT_MARK = '… [cut]';

/** `text` at most `max` characters, ending in CUT_MARK when cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= CUT_MARK.length) return CUT_MARK.slice(0, Math.max(0, max));
  return text.slice(0, max - CUT_MARK.length) + CUT_MARK;
}

/** One line (a title or summary has none), trimmed and cut. */
export const oneLine = (text: string, max: number): string => cut(text.replace(/\s+/g, ' ').trim(), max);

/** A copy of the request with every string that is sent redacted. */
export function redactRequest(t: TicketRequest, redactor: Redactor): TicketRequest {
  const r = (s: string) => redactor.redact(s).text;
  const s = t.sections;
  return {
    fingerprint: t.fingerprint,
    title: r(t.title),
    sections: {
      diagnosis: r(s.diagnosis),
      evidence: s.evidence.map((e) => ({ source: r(e.source), summary: r(e.summary) })),
      tried: s.tried.map(r),
      links: s.links.map((l) => ({ title: r(l.title), url: r(l.url) })),
    },
  };
}

const MAX_ROUNDS = 500;

/**
 * The sections shrunk until `size` of them is at most `max`: the longest text is
 * cut by what is over, and when no text is left to cut, the last item of the
 * longest list is dropped. `size` measures the rendered form, so whatever the
 * rendering adds (headings, fences, JSON) is counted.
 */
export function fitSections(
  sections: TicketSections,
  size: (s: TicketSections) => number,
  max: number,
): TicketSections {
  let s: TicketSections = sections;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const over = size(s) - max;
    if (over <= 0) return s;
    const pieces = [
      { len: s.diagnosis.length, set: (v: string) => ({ ...s, diagnosis: v }), text: s.diagnosis },
      ...s.evidence.map((e, i) => ({
        len: e.summary.length,
        text: e.summary,
        set: (v: string) => ({ ...s, evidence: s.evidence.map((x, j) => (j === i ? { ...x, summary: v } : x)) }),
      })),
      ...s.tried.map((t, i) => ({
        len: t.length,
        text: t,
        set: (v: string) => ({ ...s, tried: s.tried.map((x, j) => (j === i ? v : x)) }),
      })),
    ];
    const longest = pieces.reduce((a, b) => (b.len > a.len ? b : a));
    if (longest.len > CUT_MARK.length + 16) {
      s = longest.set(cut(longest.text, Math.max(CUT_MARK.length + 16, longest.len - over)));
      continue;
    }
    const lists = [
      { n: s.evidence.length, drop: () => ({ ...s, evidence: s.evidence.slice(0, -1) }) },
      { n: s.tried.length, drop: () => ({ ...s, tried: s.tried.slice(0, -1) }) },
      { n: s.links.length, drop: () => ({ ...s, links: s.links.slice(0, -1) }) },
    ];
    const most = lists.reduce((a, b) => (b.n > a.n ? b : a));
    if (most.n === 0) return s; // nothing left to cut: the caller's own cut has the last word
    s = most.drop();
  }
  return s;
}
