import { describe, expect, it } from 'vitest';
import { DAY_MS, decide, MAX_RECHECK_MS, refreshBefore, type Observed, type SecretFacts } from './decide.js';
import type { CertInfo } from './x509.js';

const NOW = Date.UTC(2030, 0, 1);
const YEAR = 365 * DAY_MS;
const settings = {
  hosts: ['bosun-webhook.bosun-system.svc', '127.0.0.1'],
  certValidityMs: YEAR,
  caValidityMs: 10 * YEAR,
};

const ca = (fingerprint: string, notAfter: number): CertInfo => ({
  fingerprint,
  notBefore: notAfter - 10 * YEAR,
  notAfter,
  isCa: true,
  hosts: [],
});

/** A healthy Secret: CA "ca1" with years left, a serving certificate it signed with most of a year left. */
function secret(over: Partial<SecretFacts> = {}, serving: Partial<NonNullable<SecretFacts['serving']>> = {}) {
  const facts: SecretFacts = {
    cas: [ca('ca1', NOW + 5 * YEAR)],
    caKeyMatches: true,
    serving: {
      fingerprint: 'cert1',
      notBefore: NOW - DAY_MS,
      notAfter: NOW + 300 * DAY_MS,
      isCa: false,
      hosts: [...settings.hosts].sort(),
      keyMatches: true,
      issuer: 'ca1',
      ...serving,
    },
    bundle: 'BUNDLE',
    ...over,
  };
  return facts;
}

const injected = (bundle = 'BUNDLE'): Observed['configs'] => [
  { kind: 'mutating', caBundles: [bundle] },
  { kind: 'validating', caBundles: [bundle] },
];

describe('decide', () => {
  it('makes a CA and a serving certificate when there is no Secret, or none it can use', () => {
    for (const s of [undefined, 'unreadable' as const, secret({ caKeyMatches: false }), secret({ cas: [] })]) {
      const d = decide({ secret: s, configs: injected() }, settings, NOW);
      expect(d.write).toMatchObject({ newCa: true, newCert: true, keepCas: [] });
      expect(d.inject).toEqual([]);
    }
    const notCa = secret({ cas: [{ ...ca('ca1', NOW + YEAR), isCa: false }] });
    expect(decide({ secret: notCa, configs: [] }, settings, NOW).write?.newCa).toBe(true);
  });

  it('does nothing while everything is current, and looks again when the first date comes (at most hourly)', () => {
    const d = decide({ secret: secret(), configs: injected() }, settings, NOW);
    expect(d).toEqual({ inject: [], recheckInMs: MAX_RECHECK_MS });
    const soon = secret({}, { notAfter: NOW + refreshBefore(YEAR) + 60_000 });
    expect(decide({ secret: soon, configs: injected() }, settings, NOW).recheckInMs).toBe(60_000);
  });

  it('writes the CA bundle into every configuration that lacks it (missing, stale, edited away)', () => {
    const configs: Observed['configs'] = [
      { kind: 'mutating', caBundles: [undefined] },
      { kind: 'validating', caBundles: ['BUNDLE', 'OLD'] },
    ];
    expect(decide({ secret: secret(), configs }, settings, NOW)).toMatchObject({
      inject: ['mutating', 'validating'],
    });
    // a missing configuration is nothing to write
    expect(decide({ secret: secret(), configs: [] }, settings, NOW).inject).toEqual([]);
  });

  it('replaces an unusable serving certificate at once, keeping the CA', () => {
    for (const [serving, why] of [
      [{ keyMatches: false }, /key/],
      [{ notAfter: NOW - 1 }, /expired/],
      [{ issuer: undefined }, /trusted CA/],
    ] as const) {
      // at once: even while a bundle still waits for its CA
      const d = decide({ secret: secret({}, serving), configs: injected('OLD') }, settings, NOW);
      expect(d.write).toMatchObject({ newCa: false, newCert: true, keepCas: ['ca1'] });
      expect(d.write?.why).toMatch(why);
    }
    expect(decide({ secret: secret({ serving: undefined }), configs: [] }, settings, NOW).write?.newCert).toBe(true);
  });

  it('renews a serving certificate that nears its end or names other hosts, once every bundle is current', () => {
    const nearEnd = secret({}, { notAfter: NOW + refreshBefore(YEAR) - 1 });
    expect(decide({ secret: nearEnd, configs: injected() }, settings, NOW).write).toMatchObject({
      newCa: false,
      newCert: true,
    });
    const otherHosts = secret({}, { hosts: ['old.svc'] });
    expect(decide({ secret: otherHosts, configs: injected() }, settings, NOW).write?.why).toMatch(/other hosts/);
    // a stale bundle is written first
    expect(decide({ secret: nearEnd, configs: injected('OLD') }, settings, NOW)).toEqual({
      inject: ['mutating', 'validating'],
      recheckInMs: expect.any(Number),
    });
  });

  it('rotates the CA in steps: new CA first in the bundle, bundles written, then the serving certificate', () => {
    const caEnd = NOW + refreshBefore(10 * YEAR) - 1;
    // 1. the CA nears its end: a new one, the old one kept, the serving certificate untouched
    const step1 = decide({ secret: secret({ cas: [ca('ca1', caEnd)] }), configs: injected() }, settings, NOW);
    expect(step1.write).toMatchObject({ newCa: true, newCert: false, keepCas: ['ca1'] });
    // 2. the Secret now holds both; the bundles still hold only the old: written, nothing else
    const both = secret({ cas: [ca('ca2', NOW + 10 * YEAR), ca('ca1', caEnd)], bundle: 'BOTH' });
    expect(decide({ secret: both, configs: injected('BUNDLE') }, settings, NOW)).toEqual({
      inject: ['mutating', 'validating'],
      recheckInMs: expect.any(Number),
    });
    // 3. every bundle trusts ca2: the serving certificate of ca1 is replaced
    const step3 = decide({ secret: both, configs: injected('BOTH') }, settings, NOW);
    expect(step3.write).toMatchObject({ newCa: false, newCert: true, keepCas: ['ca2', 'ca1'] });
    expect(step3.write?.why).toMatch(/older CA/);
    // 4. then nothing until the old CA expires, when it leaves the bundle
    const done = secret({ cas: both.cas, bundle: 'BOTH' }, { issuer: 'ca2' });
    expect(decide({ secret: done, configs: injected('BOTH') }, settings, NOW)).toEqual({
      inject: [],
      recheckInMs: Math.min(MAX_RECHECK_MS, caEnd - NOW),
    });
    const pruned = decide({ secret: done, configs: injected('BOTH') }, settings, caEnd + 1);
    expect(pruned.write).toMatchObject({ newCa: false, newCert: false, keepCas: ['ca2'] });
    expect(pruned.write?.why).toMatch(/old CA expired/);
  });

  it('an expired CA is replaced with its serving certificate in one step', () => {
    const d = decide({ secret: secret({ cas: [ca('ca1', NOW - 1)] }), configs: injected() }, settings, NOW);
    expect(d.write).toMatchObject({ newCa: true, newCert: true, keepCas: [] });
  });
});
