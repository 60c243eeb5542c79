// `kubectl auth can-i --list` in a stable form: one rule per line, columns
// separated by single spaces, sorted.
export const normalizeCanI = (text: string) =>
  text
    .split('\n')
    .slice(1) // the header
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .sort()
    .join('\n') + '\n';
