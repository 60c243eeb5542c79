// Go RE2 syntax → JavaScript RegExp source, for the secret-scanner rules kept as data
// (secret-patterns.json). Pure and deterministic: the generator writes its output, and a unit
// test re-runs it on each recorded Go regex to prove the data file is what it produces.
//
// What differs and how it is handled:
// - a leading `(?i)` with no `(?-i` anywhere becomes the `i` flag; any other case-insensitive
//   scope (`(?i:…)`, `(?-i:…)`, a `(?i)` in mid-pattern) is spelled out: `a` → `[aA]`, and a
//   class `[a-f]` → `[a-fA-F]`, since Node 20 has no inline modifiers;
// - `(?s:…)` and `.`: Go's `.` matches anything but `\n` (JS also stops at `\r`, U+2028/9), so
//   `.` → `[^\n]`, and `[\s\S]` under the `s` flag;
// - `\z` → `$` and `\A` → `^` (no `m` flag: both mean the ends of the input in JS too);
// - `[[:alnum:]]` and the other ASCII classes are spelled out; `(?P<n>` → `(?<n>`.
// Anything else RE2 has and JS lacks (`\p{…}`, `\Q…\E`, `\x{…}`, other flags) is refused with a
// reason, and the rule is skipped and counted by the generator.

export type Converted = { source: string; flags: string } | { skip: string };

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9a-fA-F',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

const isLower = (c: string) => c >= 'a' && c <= 'z';
const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const other = (c: string) => (isLower(c) ? c.toUpperCase() : isUpper(c) ? c.toLowerCase() : undefined);

class Refused extends Error {}

interface Flags {
  i: boolean;
  s: boolean;
}

/** Converts one Go regex; `{ skip }` says why JS cannot express it. */
export function convertGoRegex(go: string): Converted {
  let body = go;
  let globalI = false;
  if (body.startsWith('(?i)') && !body.includes('(?-i')) {
    globalI = true;
    body = body.slice(4);
  }
  try {
    const source = new Converter(body, globalI).run();
    const flags = globalI ? 'i' : '';
    new RegExp(source, flags); // JS must accept it, or the rule is skipped
    return { source, flags };
  } catch (err) {
    return { skip: err instanceof Error ? err.message : String(err) };
  }
}

class Converter {
  private pos = 0;
  private out = '';

  constructor(
    private readonly src: string,
    /** the `i` flag is on for the whole pattern: nothing to spell out */
    private readonly globalI: boolean,
  ) {}

  run(): string {
    // each open group remembers the flags to restore at its `)`
    const stack: Flags[] = [];
    let flags: Flags = { i: false, s: false };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') this.escape(flags);
      else if (c === '[') this.klass(flags);
      else if (c === '(') {
        stack.push({ ...flags });
        flags = this.group(flags, stack);
      } else if (c === ')') {
        const prev = stack.pop();
        if (!prev) throw new Refused('unbalanced )');
        flags = prev;
        this.emit(')');
      } else if (c === '.') {
        this.emit(flags.s ? '[\\s\\S]' : '[^\\n]');
      } else if (flags.i && !this.globalI && other(c)) {
        this.emit(`[${c}${other(c)}]`);
      } else this.emit(c);
    }
    if (stack.length) throw new Refused('unbalanced (');
    return this.out;
  }

  private emit(s: string, advance = 1): void {
    this.out += s;
    this.pos += advance;
  }

  private escape(_flags: Flags): void {
    const n = this.src[this.pos + 1];
    if (n === undefined) throw new Refused('trailing backslash');
    if (n === 'z') return this.emit('$', 2);
    if (n === 'A') return this.emit('^', 2);
    const hex = /^\\x[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
    if (hex) return this.emit(hex[0], 4);
    if ('pPQECx'.includes(n)) throw new Refused(`\\${n} is not supported`);
    if (/[0-9]/.test(n)) throw new Refused(`\\${n} is not supported`);
    this.emit(`\\${n}`, 2);
  }

  private group(flags: Flags, stack: Flags[]): Flags {
    const rest = this.src.slice(this.pos);
    if (!rest.startsWith('(?')) {
      this.emit('(');
      return flags;
    }
    const named = /^\(\?P?<([A-Za-z_]\w*)>/.exec(rest);
    if (named) {
      this.emit(`(?<${named[1]}>`, named[0].length);
      return flags;
    }
    const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (!m) throw new Refused(`unknown group ${rest.slice(0, 6)}`);
    const on = m[1] ?? '';
    const off = m[2] ?? '';
    if (/[^is]/.test(on + off)) throw new Refused(`flags (?${on}-${off}) are not supported`);
    const next: Flags = { ...flags };
    for (const f of on) next[f as keyof Flags] = true;
    for (const f of off) next[f as keyof Flags] = false;
    if (m[3] === ')') {
      // `(?i)` alone: applies to the rest of the enclosing group, so it opens no group of its own
      stack.pop();
      this.pos += m[0].length;
      return next;
    }
    this.emit('(?:', m[0].length);
    return next;
  }

  private klass(flags: Flags): void {
    let i = this.pos + 1;
    let out = '[';
    if (this.src[i] === '^') {
      out += '^';
      i++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw new Refused('unterminated class');
      if (c === ']' && !first) break;
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(i));
      if (posix) {
        const spelled = POSIX[posix[2]!];
        if (!spelled || posix[1]) throw new Refused(`[:${posix[1]}${posix[2]}:] is not supported`);
        items.push(spelled);
        i += posix[0].length;
        continue;
      }
      if (c === '\\') {
        const hex = /^\\x[0-9a-fA-F]{2}/.exec(this.src.slice(i));
        if (hex) {
          items.push(hex[0]);
          i += 4;
          continue;
        }
        const n = this.src[i + 1];
        if (n === undefined || /[pPQEx0-9]/.test(n)) throw new Refused(`\\${n ?? ''} in a class is not supported`);
        items.push(`\\${n}`);
        i += 2;
        continue;
      }
      if (c === '[') {
        // a literal `[` inside a class: JS accepts it unescaped too, but escape it to be plain
        items.push('\\[');
        i++;
        continue;
      }
      const range = /^(.)-([^\]])/.exec(this.src.slice(i));
      if (range && range[2] !== '\\' && range[2] !== '[') {
        const [, a, b] = range as unknown as [string, string, string];
        items.push(`${a}-${b}`);
        if (flags.i && !this.globalI) {
          if (isLower(a) && isLower(b)) items.push(`${a.toUpperCase()}-${b.toUpperCase()}`);
          else if (isUpper(a) && isUpper(b)) items.push(`${a.toLowerCase()}-${b.toLowerCase()}`);
          else if (other(a) || other(b)) throw new Refused(`case-folding range ${a}-${b} is not supported`);
        }
        i += 3;
        continue;
      }
      items.push(c);
      const o = flags.i && !this.globalI ? other(c) : undefined;
      if (o) items.push(o);
      i++;
    }
    this.out += `${out}${items.join('')}]`;
    this.pos = i + 1;
  }
}
