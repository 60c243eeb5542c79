import { describe, expect, it } from 'vitest';
import { DAY_MS, decide, type CertSettings } from './decide.js';
import { bundleOf, CA_CERT, factsOf, issue, readPems, TLS_CERT, TLS_KEY, type CertPems } from './secret-data.js';
import { certInfo, issuedBy, newCa, splitPem } from './x509.js';

const T0 = Date.UTC(2030, 0, 1);
const settings: CertSettings = {
  hosts: ['bosun-webhook.ns.svc', 'bosun-webhook.ns.svc.cluster.local', '127.0.0.1'],
  certValidityMs: 30 * DAY_MS,
  caValidityMs: 90 * DAY_MS,
};
const HOUR = 3_600_000;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('the Secret data', () => {
  it('reads into facts: the CA first, whether the keys fit, who signed the serving certificate', () => {
    const pems = readPems(
      issue({ newCa: true, newCert: true, keepCas: [], why: '' }, { caCerts: [] }, settings, T0).data,
    );
    const facts = factsOf(pems);
    if (facts === 'unreadable') throw new Error('unreadable');
    expect(facts.caKeyMatches).toBe(true);
    expect(facts.cas).toHaveLength(1);
    expect(facts.cas[0]).toMatchObject({ isCa: true, notAfter: T0 + settings.caValidityMs });
    expect(facts.serving).toMatchObject({
      keyMatches: true,
      issuer: facts.cas[0]?.fingerprint,
      hosts: [...settings.hosts].sort(),
      notAfter: T0 + settings.certValidityMs,
    });
    expect(facts.bundle).toBe(bundleOf(pems.caCerts));
    // keys swapped: neither fits
    const swapped = factsOf({ ...pems, caKey: pems.key, key: pems.caKey });
    expect(swapped).toMatchObject({ caKeyMatches: false, serving: { keyMatches: false } });
  });

  it('a CA that does not parse makes the Secret unreadable; a bad serving certificate is only missing', () => {
    const bad = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(factsOf(readPems({ [CA_CERT]: b64(bad) }))).toBe('unreadable');
    const ca = newCa('ca', new Date(T0), new Date(T0 + DAY_MS));
    const facts = factsOf(readPems({ [CA_CERT]: b64(ca.cert), ca: b64(ca.key), [TLS_CERT]: b64(bad), [TLS_KEY]: 'x' }));
    expect(facts).toMatchObject({ caKeyMatches: false, serving: undefined });
  });

  it('a serving certificate never outlives its CA', () => {
    const ca = newCa('short', new Date(T0), new Date(T0 + 10 * DAY_MS));
    const pems: CertPems = { caCerts: [ca.cert], caKey: ca.key };
    const fp = certInfo(ca.cert).fingerprint;
    const issued = issue({ newCa: false, newCert: true, keepCas: [fp], why: '' }, pems, settings, T0);
    expect(issued.cert?.notAfter).toBe(T0 + 10 * DAY_MS);
  });

  it('over 200 hours of rotations, what is served is always valid and trusted by the bundles', () => {
    // hours, not days: the decision looks again at least hourly
    const hourly = { ...settings, certValidityMs: 30 * HOUR, caValidityMs: 90 * HOUR };
    let pems: CertPems | undefined;
    let bundles = { mutating: 'none', validating: 'none' };
    const issuedCas = new Set<string>();
    let certs = 0;
    const trustedByEveryBundle = (served: string, until: number) => {
      for (const bundle of Object.values(bundles)) {
        const trusted = splitPem(Buffer.from(bundle, 'base64').toString('utf8'));
        expect(trusted.some((ca) => issuedBy(served, ca) && certInfo(ca).notAfter > until)).toBe(true);
      }
    };
    let now = T0;
    while (now < T0 + 200 * HOUR) {
      // settle: act on each decision until there is nothing to do now
      for (let steps = 0; ; steps++) {
        expect(steps, 'the decisions settle').toBeLessThan(6);
        const facts = pems ? factsOf(pems) : undefined;
        const d = decide(
          {
            secret: facts,
            configs: Object.entries(bundles).map(([k, b]) => ({
              kind: k as 'mutating' | 'validating',
              caBundles: [b],
            })),
          },
          hourly,
          now,
        );
        if (d.write) {
          const issued = issue(d.write, pems ?? { caCerts: [] }, hourly, now);
          if (issued.ca) issuedCas.add(issued.ca.fingerprint);
          if (issued.cert) certs++;
          pems = readPems(issued.data);
          // across every write, the API server keeps trusting what the replicas serve
          if (now > T0) trustedByEveryBundle(pems.cert ?? '', now);
          continue;
        }
        if (d.inject.length && facts && facts !== 'unreadable') {
          for (const kind of d.inject) bundles = { ...bundles, [kind]: facts.bundle };
          continue;
        }
        // what the replicas serve is valid until the next look, and every bundle trusts its CA
        const served = pems?.cert ?? '';
        expect(certInfo(served).notAfter).toBeGreaterThan(now + d.recheckInMs);
        trustedByEveryBundle(served, now + d.recheckInMs);
        now += d.recheckInMs;
        break;
      }
    }
    // a CA lasts 90 hours and is renewed 30 hours before its end; a certificate 30 hours, renewed 10 hours before
    expect(issuedCas.size).toBe(4);
    expect(certs).toBeGreaterThanOrEqual(10);
    expect(splitPem(Buffer.from(bundles.mutating, 'base64').toString('utf8')).length).toBeLessThanOrEqual(2);
  }, 60_000);
});
