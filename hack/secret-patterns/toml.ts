// Just enough TOML for gitleaks' config/gitleaks.toml, so the generator needs no TOML package:
// `key = value` with literal ('''…''', '…') and basic ("…") strings, numbers, booleans and
// (multi-line) arrays of those; `[table]`, `[[array.of.tables]]`; `#` comments. Anything else
// throws with its line number: a new gitleaks version that uses more TOML must fail loudly,
// not convert half its rules.
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let current = root;
  let pos = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new Error(`BOSUN_ERR_TOML: line ${line}: ${what}`);
  };
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\r') pos++;
      else if (c === '\n' && newlines) {
        pos++;
        line++;
      } else if (c === '#') while (pos < text.length && text[pos] !== '\n') pos++;
      else return;
    }
  };
  const value = (): TomlValue => {
    const rest = text.slice(pos, pos + 3);
    if (rest === "'''" || rest === '"""') {
      const end = text.indexOf(rest, pos + 3);
      if (end < 0) fail('unterminated multi-line string');
      let s = text.slice(pos + 3, end);
      if (s.startsWith('\n')) s = s.slice(1);
      line += (text.slice(pos, end).match(/\n/g) ?? []).length;
      pos = end + 3;
      if (rest === '"""') fail('multi-line basic strings are not supported');
      return s;
    }
    const c = text[pos];
    if (c === "'") {
      const end = text.indexOf("'", pos + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(pos + 1, end);
      pos = end + 1;
      return s;
    }
    if (c === '"') {
      const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(text.slice(pos));
      if (!m) return fail('bad basic string');
      pos += m[0].length;
      return JSON.parse(`"${m[1]}"`) as string;
    }
    if (c === '[') {
      pos++;
      const items: TomlValue[] = [];
      for (;;) {
        skipSpace(true);
        if (text[pos] === ']') {
          pos++;
          return items;
        }
        items.push(value());
        skipSpace(true);
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ']') fail('expected , or ] in an array');
      }
    }
    const m = /^(true|false|[+-]?\d+(?:\.\d+)?)(?=[\s,\]#]|$)/.exec(text.slice(pos));
    if (!m) return fail(`unsupported value ${JSON.stringify(text.slice(pos, pos + 12))}`);
    pos += m[0].length;
    return m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1]);
  };
  const table = (path: string[], isArray: boolean) => {
    let t = root;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      let next = t[key];
      if (last && isArray) {
        if (next === undefined) next = t[key] = [];
        if (!Array.isArray(next)) return fail(`${key} is not an array of tables`);
        const fresh: TomlTable = {};
        next.push(fresh);
        t = fresh;
        return;
      }
      if (next === undefined) next = t[key] = {};
      if (Array.isArray(next)) next = next.at(-1);
      if (typeof next !== 'object' || next === null || Array.isArray(next)) return fail(`${key} is not a table`);
      t = next;
    });
    current = t;
  };
  for (;;) {
    skipSpace(true);
    if (pos >= text.length) return root;
    const header = /^\[(\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?/.exec(text.slice(pos));
    if (header) {
      table(header[2]!.split('.'), header[1] === '[');
      pos += header[0].length;
      continue;
    }
    const key = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*/.exec(text.slice(pos));
    if (!key) return fail('expected a key or a table header');
    pos += key[0].length;
    current[key[1]!] = value();
    skipSpace(false);
    if (pos < text.length && text[pos] !== '\n') fail('expected the end of the line');
  }
}
