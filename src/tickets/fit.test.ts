import { describe, expect, it } from 'vitest';
import { Redactor } from '../redact/index.js';
import { noise } from '../redact/formats.testdata.js';
import { CUT_MARK, cut, fitSections, oneLine, redactRequest } from './fit.js';
import type { TicketSections } from './target.js';

const sections = (over: Partial<TicketSections> = {}): TicketSections => ({
  diagnosis: 'short',
  evidence: [],
  tried: [],
  links: [],
  ...over,
});
const size = (s: TicketSections) => JSON.stringify(s).length;

describe('cut and oneLine', () => {
  it.each([
    { why: 'short text stays', text: 'abc', max: 5, want: 'abc' },
    { why: 'long text ends with the mark', text: 'a'.repeat(20), max: 12, want: `aaaaa${CUT_MARK}` },
    { why: 'a limit below the mark still holds', text: 'a'.repeat(20), max: 3, want: CUT_MARK.slice(0, 3) },
  ])('$why', ({ text, max, want }) => {
    expect(cut(text, max)).toBe(want);
    expect(cut(text, max).length).toBeLessThanOrEqual(max);
  });

  it('makes one line of a title', () => {
    expect(oneLine('  web\n crashes\tagain ', 100)).toBe('web crashes again');
  });
});

describe('fitSections', () => {
  it('leaves what fits alone', () => {
    const s = sections({ tried: ['a'] });
    expect(fitSections(s, size, 1000)).toBe(s);
  });

  it('cuts the longest text first', () => {
    const s = sections({ diagnosis: 'd'.repeat(100), evidence: [{ source: 'x', summary: 'e'.repeat(5000) }] });
    const fit = fitSections(s, size, 1000);
    expect(size(fit)).toBeLessThanOrEqual(1000);
    expect(fit.diagnosis).toBe(s.diagnosis);
    expect(fit.evidence[0]?.summary.endsWith(CUT_MARK)).toBe(true);
  });

  it('drops items from the end of the longest list when no text is left to cut', () => {
    const s = sections({ tried: Array.from({ length: 500 }, (_, i) => `step ${i}`) });
    const fit = fitSections(s, size, 1000);
    expect(size(fit)).toBeLessThanOrEqual(1000);
    expect(fit.tried[0]).toBe('step 0');
  });
});

describe('redactRequest', () => {
  it('redacts every string that is sent, and never its input', () => {
    const secret = `DB_PASSWORD=${noise(16, 77)}`;
    const t = {
      fingerprint: 'f',
      title: secret,
      sections: {
        diagnosis: secret,
        evidence: [{ source: secret, summary: secret }],
        tried: [secret],
        links: [{ title: secret, url: `https://x.example/?${secret}` }],
      },
    };
    const r = redactRequest(t, new Redactor());
    expect(JSON.stringify(r)).not.toContain(secret.split('=')[1]);
    expect(t.title).toBe(secret);
  });
});
