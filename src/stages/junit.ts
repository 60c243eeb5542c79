// JUnit XML (`node --test --test-reporter=junit`, and most other runners) → test findings: passed,
// failed, the first failed tests by name (suites joined with " > "), and their first message line.
// A testcase with <skipped> (node: skip and todo) counts as neither passed nor failed.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { count, notUnderstood, oneLine, stageReport, type ParseResult } from './report.js';

/** fast-xml-parser's preserveOrder form: { tag: children, ':@': attributes } or { '#text': text } */
type XmlNode = Record<string, unknown>;

const tagOf = (node: XmlNode): string | undefined => Object.keys(node).find((k) => k !== ':@');
const childrenOf = (node: XmlNode, tag: string): XmlNode[] => {
  const c = node[tag];
  return Array.isArray(c) ? c.filter((n): n is XmlNode => typeof n === 'object' && n !== null) : [];
};
const attr = (node: XmlNode, name: string): string | undefined => {
  const attrs = node[':@'];
  if (typeof attrs !== 'object' || attrs === null) return undefined;
  const v = (attrs as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};
const textOf = (nodes: XmlNode[]): string =>
  nodes
    .map((n) => (typeof n['#text'] === 'string' || typeof n['#text'] === 'number' ? String(n['#text']) : ''))
    .join('');

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  failedNames: string[];
  details: string[];
}

function visitCase(node: XmlNode, suites: string[], t: Tally): void {
  const children = childrenOf(node, 'testcase');
  const name = [...suites, attr(node, 'name') ?? '(unnamed test)'].join(' > ');
  const failure = children.find((c) => tagOf(c) === 'failure' || tagOf(c) === 'error');
  if (children.some((c) => tagOf(c) === 'skipped')) {
    t.skipped++;
  } else if (failure === undefined) {
    t.passed++;
  } else {
    t.failed++;
    if (t.failedNames.length < 10) t.failedNames.push(name);
    const tag = tagOf(failure) ?? 'failure';
    const firstLine = textOf(childrenOf(failure, tag)).trim().split('\n')[0] ?? '';
    const message = attr(failure, 'message') ?? firstLine;
    if (t.details.length < 10) t.details.push(`FAIL ${name}: ${oneLine(message, 200) || tag}`);
  }
}

function visit(nodes: XmlNode[], suites: string[], t: Tally): void {
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === 'testcase') visitCase(node, suites, t);
    else if (tag === 'testsuite') visit(childrenOf(node, tag), [...suites, attr(node, 'name') ?? ''], t);
    else if (tag === 'testsuites') visit(childrenOf(node, tag), suites, t);
  }
}

export function parseJunit(text: string): ParseResult {
  const expected = 'a JUnit XML report (<testsuites> or <testsuite>)';
  if (text.trim() === '') return notUnderstood(expected, text);
  // node's reporter never writes a DOCTYPE: refusing one refuses entity expansion with it
  if (/<!DOCTYPE/i.test(text)) return notUnderstood(expected, text, 'a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) return notUnderstood(expected, text, `not XML: line ${valid.err.line}: ${valid.err.msg}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true }).parse(
    text,
  ) as XmlNode[];
  const root = doc.find((n) => tagOf(n) !== '?xml');
  const rootTag = root === undefined ? undefined : tagOf(root);
  if (root === undefined || (rootTag !== 'testsuites' && rootTag !== 'testsuite')) {
    return notUnderstood(expected, text, `its root element is ${rootTag === undefined ? 'missing' : `<${rootTag}>`}`);
  }
  const t: Tally = { passed: 0, failed: 0, skipped: 0, failedNames: [], details: [] };
  visit([root], [], t);
  const total = t.passed + t.failed + t.skipped;
  const summary =
    total === 0
      ? 'no tests ran'
      : `${count(t.passed, 'test')} passed, ${t.failed} failed` + (t.skipped > 0 ? `, ${t.skipped} skipped` : '');
  return stageReport(summary, {
    testsPassed: t.passed,
    testsFailed: t.failed,
    ...(t.failedNames.length > 0 && { failedTests: t.failedNames, details: t.details }),
  });
}
