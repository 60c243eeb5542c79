import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasCode } from '../../api/errors.js';
import { webhookCertFlags, webhookTls, type WebhookTlsFlags } from './flags.js';

const Flags = z.object(webhookCertFlags);
const parse = (raw: Record<string, string>) => ({ ...Flags.parse(raw), operatorNamespace: 'bosun-system' });

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
    return String(err);
  }
  throw new Error('no error');
}

describe('the webhook certificate flags', () => {
  it('default to a year for the certificate, ten for the CA, bosun-webhook and bosun-admission', () => {
    expect(Flags.parse({})).toEqual({
      webhookService: 'bosun-webhook',
      webhookConfigurations: 'bosun-admission',
      webhookCertHosts: [],
      webhookCertValidity: 8760 * 3_600_000,
      webhookCaValidity: 87600 * 3_600_000,
    });
  });

  it("read durations in Go's units and hosts as a list", () => {
    const f = Flags.parse({
      webhookCertValidity: '1h30m',
      webhookCaValidity: '45s',
      webhookCertHosts: '127.0.0.1, A.example',
    });
    expect(f.webhookCertValidity).toBe(5_400_000);
    expect(f.webhookCaValidity).toBe(45_000);
    expect(f.webhookCertHosts).toEqual(['127.0.0.1', 'a.example']);
  });

  it.each([
    [{ webhookCertValidity: '1y' }, /not a duration/],
    [{ webhookCertValidity: '90' }, /not a duration/],
    [{ webhookCaValidity: '5s' }, /10s or longer/],
    [{ webhookCertHosts: 'under_score.example' }, /IP address or a DNS name/],
    [{ webhookCertSecret: 'Not A Name' }, /Secret name/],
  ])('refuse %o', (raw, why) => {
    expect(Flags.safeParse(raw).error?.message).toMatch(why);
  });
});

describe('webhookTls', () => {
  const base = parse({}) satisfies WebhookTlsFlags;

  it('no webhook address: no certificate, and neither certificate flag may be set', () => {
    expect(webhookTls(base)).toBeUndefined();
    expect(configError(() => webhookTls({ ...base, webhookCertSecret: 'c' }))).toMatch(/needs --webhook-addr/);
    expect(configError(() => webhookTls({ ...base, webhookCertDir: '/d' }))).toMatch(/needs --webhook-addr/);
  });

  it('a webhook address needs exactly one of --webhook-cert-dir and --webhook-cert-secret', () => {
    const addr = { ...base, webhookAddr: ':9443' };
    expect(configError(() => webhookTls(addr))).toMatch(/--webhook-cert-dir .* or --webhook-cert-secret/);
    expect(configError(() => webhookTls({ ...addr, webhookCertDir: '/d', webhookCertSecret: 'c' }))).toMatch(
      /both set/,
    );
    expect(webhookTls({ ...addr, webhookCertDir: '/d' })).toEqual({ dir: '/d' });
  });

  it("the managed Secret: the Service's names and the extra hosts, the validities", () => {
    const tls = webhookTls({
      ...parse({ webhookCertHosts: '127.0.0.1', webhookService: 'hook', webhookCertValidity: '24s' }),
      webhookAddr: ':9443',
      webhookCertSecret: 'cert',
    });
    expect(tls).toEqual({
      secret: {
        namespace: 'bosun-system',
        name: 'cert',
        configurations: 'bosun-admission',
        settings: {
          hosts: ['hook.bosun-system.svc', 'hook.bosun-system.svc.cluster.local', '127.0.0.1'],
          certValidityMs: 24_000,
          caValidityMs: 87600 * 3_600_000,
        },
      },
    });
  });

  it('a CA must outlive the certificates it signs', () => {
    const flags = parse({ webhookCertValidity: '2h', webhookCaValidity: '1h' });
    expect(configError(() => webhookTls({ ...flags, webhookAddr: ':9443', webhookCertSecret: 'c' }))).toMatch(
      /--webhook-ca-validity is shorter/,
    );
  });
});
