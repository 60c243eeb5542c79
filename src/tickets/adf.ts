// A ticket's sections as Atlassian Document Format, what Jira Cloud's REST v3
// takes for descriptions and comments. ADF refuses an empty text node, so empty
// lines are left out rather than sent. Pure.
import type { TicketSections } from './target.js';

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
  content?: AdfNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const text = (t: string, marks?: AdfMark[]): AdfNode =>
  marks ? { type: 'text', text: t, marks } : { type: 'text', text: t };

/** Blank lines part paragraphs; a single newline is a hard break. */
export function paragraphs(t: string): AdfNode[] {
  return t
    .split(/\n\s*\n/)
    .map((block) => block.split('\n').filter((line) => line.trim() !== ''))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      type: 'paragraph',
      content: lines.flatMap((line, i) => (i === 0 ? [text(line)] : [{ type: 'hardBreak' }, text(line)])),
    }));
}

const heading = (t: string): AdfNode => ({ type: 'heading', attrs: { level: 2 }, content: [text(t)] });

const bullets = (items: AdfNode[][]): AdfNode => ({
  type: 'bulletList',
  content: items.map((content) => ({ type: 'listItem', content })),
});

function linkNode(title: string, url: string): AdfNode[] {
  const label = title || url || 'link';
  if (!/^https?:\/\//i.test(url)) return [{ type: 'paragraph', content: [text(`${label}: ${url}`)] }];
  return [{ type: 'paragraph', content: [text(label, [{ type: 'link', attrs: { href: url } }])] }];
}

export function adf(s: TicketSections, footer: string, lead = ''): AdfDoc {
  const content: AdfNode[] = [...paragraphs(lead), heading('Diagnosis')];
  const diagnosis = paragraphs(s.diagnosis);
  content.push(
    ...(diagnosis.length ? diagnosis : [{ type: 'paragraph', content: [text('none given', [{ type: 'em' }])] }]),
  );
  if (s.evidence.length) {
    content.push(heading('Evidence'));
    for (const e of s.evidence) {
      if (e.source.trim()) content.push({ type: 'paragraph', content: [text(e.source, [{ type: 'strong' }])] });
      if (e.summary) content.push({ type: 'codeBlock', content: [text(e.summary)] });
    }
  }
  const tried = s.tried.map(paragraphs).filter((p) => p.length > 0);
  if (tried.length) content.push(heading('What was tried'), bullets(tried));
  if (s.links.length) content.push(heading('Links'), bullets(s.links.map((l) => linkNode(l.title, l.url))));
  content.push({ type: 'paragraph', content: [text(footer, [{ type: 'em' }])] });
  return { type: 'doc', version: 1, content };
}

/** A plain comment: its paragraphs, or a single placeholder when it has none. */
export function adfText(t: string): AdfDoc {
  const content = paragraphs(t);
  const empty = [{ type: 'paragraph', content: [text('—')] }];
  return { type: 'doc', version: 1, content: content.length ? content : empty };
}
