import { describe, expect, it } from 'vitest';
import { convertGoRegex } from './go-regex.js';

describe('convertGoRegex', () => {
  it.each([
    { go: '(?i)abc[a-f]', want: { source: 'abc[a-f]', flags: 'i' } },
    { go: 'ab(?i:c)', want: { source: 'ab(?:[cC])', flags: '' } },
    { go: '(?i)x(?-i:Y)', want: { source: '[xX](?:Y)', flags: '' } },
    { go: 'p8e-(?i)[a-z0-9]{2}', want: { source: 'p8e-[a-zA-Z0-9]{2}', flags: '' } },
    { go: '(a(?i)b)c', want: { source: '(a[bB])c', flags: '' } },
    { go: 'a.b(?s:.)', want: { source: 'a[^\\n]b(?:[\\s\\S])', flags: '' } },
    { go: 'x\\z', want: { source: 'x$', flags: '' } },
    { go: '\\Ax', want: { source: '^x', flags: '' } },
    { go: '[[:alnum:]_]{3}', want: { source: '[a-zA-Z0-9_]{3}', flags: '' } },
    { go: '(?P<key>k)', want: { source: '(?<key>k)', flags: '' } },
    { go: '[\\x60\'"]\\x41', want: { source: '[\\x60\'"]\\x41', flags: '' } },
  ])('converts $go', ({ go, want }) => {
    expect(convertGoRegex(go)).toEqual(want);
  });

  it.each(['\\p{L}+', '\\Qa.b\\E', '\\x{1F600}', '(?U)a+', '(a', 'a)', '[[:^alpha:]]'])('refuses %s', (go) => {
    expect(convertGoRegex(go)).toHaveProperty('skip');
  });
});
