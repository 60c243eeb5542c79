// A ticket's sections as GitHub-flavoured Markdown. The text comes from logs and
// events, so it is defused: evidence goes in code fences longer than any run of
// backticks inside it, and an @mention outside them is broken with a zero-width
// space (a log line must not page whoever it names). Pure.
import type { TicketSections } from './target.js';

const ZWSP = '\u200b';

/** `@name` no longer mentions anyone; everything else reads the same. */
export const defuse = (text: string): string => text.replace(/@(?=[A-Za-z0-9])/g, `@${ZWSP}`);

function fenced(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** Only http(s) becomes a link; anything else is shown as text. */
function link(title: string, url: string): string {
  const label = defuse(title || url).replace(/[[\]]/g, '\\$&');
  if (!/^https?:\/\//i.test(url)) return `${label}: \`${url.replace(/`/g, "'")}\``;
  return `[${label}](${url.replace(/[\s()<>]/g, encodeURIComponent)})`;
}

export function markdown(s: TicketSections, footer: string, lead = ''): string {
  const parts: string[] = [];
  if (lead) parts.push(lead);
  parts.push('## Diagnosis', defuse(s.diagnosis) || '_none given_');
  if (s.evidence.length) {
    parts.push('## Evidence', ...s.evidence.map((e) => `**${defuse(e.source)}**\n\n${fenced(e.summary)}`));
  }
  if (s.tried.length)
    parts.push('## What was tried', s.tried.map((t) => `- ${defuse(t).replace(/\n/g, '\n  ')}`).join('\n'));
  if (s.links.length) parts.push('## Links', s.links.map((l) => `- ${link(l.title, l.url)}`).join('\n'));
  parts.push(`<sub>${footer}</sub>`);
  return parts.join('\n\n');
}
