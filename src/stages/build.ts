// The build's report: the reference of the image it pushed, by digest (`crane mutate` prints it).
import { notUnderstood, stageReport, type ParseResult } from './report.js';

const BY_DIGEST = /^[^@\s]+@sha256:[0-9a-f]{64}$/;

export function parseImageRef(text: string): ParseResult {
  const expected = 'one image reference by digest (repository@sha256:<64 hex digits>)';
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const ref = lines[0]?.trim();
  if (lines.length !== 1 || ref === undefined || ref.length > 512 || !BY_DIGEST.test(ref)) {
    const why = lines.length > 1 ? `${lines.length} lines` : undefined;
    return notUnderstood(expected, text, why);
  }
  return stageReport(`pushed ${ref}`, { image: ref });
}
