import { describe, expect, it } from 'vitest';
import { branchMatches, branchOfRef, branchTriggers } from './github-branches.js';

describe('branchOfRef', () => {
  it.each([
    ['refs/heads/main', 'main'],
    ['refs/heads/release/1.2', 'release/1.2'],
    ['refs/heads/', undefined],
    ['refs/tags/v1.0.0', undefined],
    ['refs/pull/1/head', undefined],
    ['main', undefined],
  ])('%s → %s', (ref, branch) => expect(branchOfRef(ref)).toBe(branch));
});

describe('branchMatches', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'mainline', false],
    ['main', 'Main', false],
    ['release/*', 'release/1.2', true],
    ['release/*', 'release/', true],
    ['release/*', 'release/1.2/hotfix', false], // * does not cross /
    ['release/*', 'release', false],
    ['*', 'feature', true],
    ['*', 'feature/x', false],
    ['*/*', 'feature/x', true],
    ['feat-*-x', 'feat-abc-x', true],
    ['feat-*-x', 'feat--x', true],
    ['feat-*-x', 'feat-a/b-x', false],
    ['v*.*', 'v1.2', true],
    ['v*.*', 'v12', false],
    ['v1.2', 'v1x2', false], // . is itself, not any character
    ['**', 'anything', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'acb', false],
  ])('%s matches %s: %s', (pattern, branch, want) => expect(branchMatches(pattern, branch)).toBe(want));

  it('stays quick for patterns made to make a backtracking matcher slow', () => {
    const pattern = `${'*a'.repeat(120)}*b`;
    expect(branchMatches(pattern, 'a'.repeat(255))).toBe(false);
  });
});

describe('branchTriggers', () => {
  it.each([
    [[], 'main', 'main', true],
    [[], 'main', 'dev', false],
    [[], 'develop', 'develop', true],
    [['main', 'release/*'], 'develop', 'release/2.0', true],
    [['main', 'release/*'], 'develop', 'develop', false], // the patterns replace the source branch
    [['main', 'release/*'], 'develop', 'main', true],
  ])('patterns %j, source %s, push to %s: %s', (patterns, source, branch, want) =>
    expect(branchTriggers(patterns, source, branch)).toBe(want),
  );
});
