import { describe, expect, it } from 'vitest';
import { hasCode } from '../api/errors.js';
import { loadRunConfig } from './config.js';

describe('loadRunConfig', () => {
  it('reads flags, then BOSUN_* variables, then defaults', () => {
    const c = loadRunConfig(['--workers', '8'], {
      BOSUN_ETCD_ENDPOINTS: 'http://127.0.0.1:2379,http://127.0.0.1:2381',
      BOSUN_WORKERS: '2',
      BOSUN_LEADER_ELECT: 'false',
    });
    expect(c.workers).toBe(8);
    expect(c.etcdEndpoints).toEqual(['http://127.0.0.1:2379', 'http://127.0.0.1:2381']);
    expect(c.leaderElect).toBe(false);
    expect(c.leaseDurationSeconds).toBe(15);
    expect(c.renewDeadlineSeconds).toBe(10);
    expect(c.retryPeriodSeconds).toBe(2);
  });

  it.each([
    { why: 'no etcd endpoints', argv: [], env: {}, names: '--etcd-endpoints (BOSUN_ETCD_ENDPOINTS)' },
    {
      why: 'an endpoint that is not a URL',
      argv: ['--etcd-endpoints', 'localhost'],
      env: {},
      names: '--etcd-endpoints',
    },
    {
      why: 'zero workers',
      argv: ['--etcd-endpoints', 'http://e:1', '--workers', '0'],
      env: {},
      names: '--workers (BOSUN_WORKERS)',
    },
    {
      why: 'a bad log level',
      argv: ['--etcd-endpoints', 'http://e:1'],
      env: { BOSUN_LOG_LEVEL: 'loud' },
      names: '--log-level',
    },
    {
      why: 'a health address without a port',
      argv: ['--etcd-endpoints', 'http://e:1', '--health-addr', 'localhost'],
      env: {},
      names: '--health-addr',
    },
    {
      why: 'a certificate validity that is not a duration',
      argv: ['--etcd-endpoints', 'http://e:1', '--webhook-cert-validity', '1y'],
      env: {},
      names: '--webhook-cert-validity (BOSUN_WEBHOOK_CERT_VALIDITY)',
    },
  ])('rejects $why with a message naming the setting', ({ argv, env, names }) => {
    let err: unknown;
    try {
      loadRunConfig(argv, env);
    } catch (e) {
      err = e;
    }
    expect(hasCode(err, 'BOSUN_ERR_CONFIG')).toBe(true);
    expect(String(err)).toContain(names);
  });

  it('rejects an unknown flag', () => {
    expect(() => loadRunConfig(['--wrokers', '2'], {})).toThrow(/wrokers/);
  });
});
