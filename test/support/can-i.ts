// `kubectl auth can-i --list` in a stable form: one rule per line, columns
// separated by single spaces, verbs sorted (kubectl merges the verbs of rules
// from several roles in no fixed order), lines sorted.
export const normalizeCanI = (text: string) =>
  text
    .split('\n')
    .slice(1) // the header
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .map((l) => l.replace(/\[([^\]]*)\]$/, (_all, verbs: string) => `[${verbs.split(' ').sort().join(' ')}]`))
    .filter(Boolean)
    .sort()
    .join('\n') + '\n';
