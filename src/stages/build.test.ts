import { describe, expect, it } from 'vitest';
import { parseImageRef } from './build.js';
import { testdata } from './stages.testdata.js';

const digest = 'a'.repeat(64);

describe('parseImageRef', () => {
  it('reads the reference crane printed for the pushed image', () => {
    const text = testdata('image.txt');
    const ref = text.trim();
    expect(ref).toMatch(/^127\.0\.0\.1:\d+\/sample-app@sha256:[0-9a-f]{64}$/);
    expect(parseImageRef(text)).toEqual({ ok: true, report: { summary: `pushed ${ref}`, findings: { image: ref } } });
  });

  it('takes surrounding blank lines and CRLF', () => {
    const ref = `registry.example.com:5000/team/app@sha256:${digest}`;
    expect(parseImageRef(`\r\n${ref}\r\n\n`)).toMatchObject({ ok: true, report: { findings: { image: ref } } });
  });

  it('fails clearly on anything but one reference by digest', () => {
    const cases: [string, RegExp][] = [
      ['', /saw an empty file$/],
      ['127.0.0.1:5000/sample-app:abc123', /saw 32 characters/],
      [`127.0.0.1:5000/app@sha256:${digest.slice(1)}`, /saw/],
      [`127.0.0.1:5000/app@sha256:${digest.toUpperCase()}`, /saw/],
      [`a@sha256:${digest}\nb@sha256:${digest}`, /\(2 lines\)$/],
      [`Error: GET http://127.0.0.1:5000/v2/: connection refused`, /starting with "Error: GET http/],
    ];
    for (const [text, problem] of cases) {
      const r = parseImageRef(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) {
        expect(r.problem).toMatch(
          /^expected one image reference by digest \(repository@sha256:<64 hex digits>\), saw /,
        );
        expect(r.problem).toMatch(problem);
      }
    }
  });
});
