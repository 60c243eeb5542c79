import { describe, expect, it } from 'vitest';
import { convertConfig } from './convert.js';
import { parseToml } from './toml.js';

const SAMPLE = `
title = "gitleaks config" # a comment
[allowlist]
regexes = [
    '''^x+$''',
]
stopwords = ["Example"]

[[rules]]
id = "demo-token"
regex = '''(?i)\\bdemo_([a-z0-9]{8})\\b'''
entropy = 2.5
keywords = ["demo_"]
[[rules.allowlists]]
condition = "AND"
paths = ['''\\.md$''']
regexes = ['''test''']

[[rules]]
id = "file-only"
path = '''\\.p12$'''
`;

describe('parseToml (the subset gitleaks uses)', () => {
  it('reads tables, arrays of tables, literal strings, numbers and arrays', () => {
    const t = parseToml(SAMPLE);
    expect(t.title).toBe('gitleaks config');
    expect(t.allowlist).toEqual({ regexes: ['^x+$'], stopwords: ['Example'] });
    expect(t.rules).toHaveLength(2);
  });

  it('fails loudly on TOML it does not know', () => {
    expect(() => parseToml('a = 1979-05-27')).toThrow(/BOSUN_ERR_TOML: line 1/);
  });
});

describe('convertConfig', () => {
  it('converts what it can, drops path-only allowlists, and skips path rules with a reason', () => {
    const data = convertConfig(parseToml(SAMPLE), {
      module: 'm',
      version: 'v1',
      url: 'u',
      sha256: 's',
      licence: 'MIT',
    });
    expect(data.rules).toEqual([
      {
        id: 'demo-token',
        go: '(?i)\\bdemo_([a-z0-9]{8})\\b',
        source: '\\bdemo_([a-z0-9]{8})\\b',
        flags: 'i',
        keywords: ['demo_'],
        allowlists: [],
        entropy: 2.5,
      },
    ]);
    expect(data.skipped).toEqual([{ id: 'file-only', reason: 'applies only to files whose path matches a pattern' }]);
    expect(data.global.stopwords).toEqual(['example']);
  });
});
