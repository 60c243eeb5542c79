import { describe, expect, it } from 'vitest';
import { parseEslint, relativePath } from './eslint.js';
import { testdata } from './stages.testdata.js';

describe('parseEslint on ESLint 9 output', () => {
  it('counts errors and warnings and lists errors first, paths relative to the workspace', () => {
    const r = parseEslint(testdata('eslint.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.summary).toBe('ESLint: 5 errors, 2 warnings in 8 files linted');
    expect(r.report.findings).toMatchObject({ lintErrors: 5, lintWarnings: 2 });
    expect(r.report.findings.details).toEqual([
      'src/broken.js:1:23 error parse: Parsing error: Unexpected token ;',
      'src/legacy.js:2:1 error no-var: Unexpected var, use let or const instead.',
      "src/legacy.js:5:9 error no-unused-vars: 'unused' is assigned a value but never used.",
      "src/legacy.js:6:13 error eqeqeq: Expected '===' and instead saw '=='.",
      "src/legacy.js:6:22 error curly: Expected { after 'if' condition.",
      'src/server.js:7:3 warning no-console: Unexpected console statement.',
      "src/server.js:9:1 warning no-warning-comments: Unexpected 'todo' comment: " +
        "'TODO: stop gracefully on SIGTERM once...'.",
    ]);
  });

  it('reads the clean sample app as 0 errors and its 2 warnings', () => {
    const r = parseEslint(testdata('eslint-clean.json'));
    expect(r.ok && r.report.findings).toMatchObject({ lintErrors: 0, lintWarnings: 2 });
  });

  it('fails clearly on what is not an ESLint JSON report', () => {
    const cases: [string, RegExp][] = [
      ['', /saw an empty file \(not JSON\)$/],
      ['Oops! Something went wrong! :(', /saw 30 characters starting with "Oops! Something went wro" \(not JSON\)$/],
      ['{"errorCount":0}', /\(wrong shape at the top: /],
      ['[{"filePath":"/workspace/a.js","messages":[]}]', /\(wrong shape at 0\.errorCount: /],
      [testdata('junit-pass.xml'), /not JSON/],
    ];
    for (const [text, problem] of cases) {
      const r = parseEslint(text);
      expect(r.ok, text.slice(0, 40)).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(/^expected ESLint's JSON report \(--format json\)/);
        expect(r.problem).toMatch(problem);
        expect(r.problem.length).toBeLessThan(300);
      }
    }
  });
});

describe('relativePath', () => {
  it('strips the given cwd, else anything up to /workspace/', () => {
    expect(relativePath('/workspace/src/a.js')).toBe('src/a.js');
    expect(relativePath('/tmp/x/workspace/src/a.js')).toBe('src/a.js');
    expect(relativePath('/home/me/app/src/a.js', '/home/me/app')).toBe('src/a.js');
    expect(relativePath('/home/me/app/src/a.js', '/home/me/app/')).toBe('src/a.js');
    expect(relativePath('/elsewhere/a.js')).toBe('/elsewhere/a.js');
  });
});
