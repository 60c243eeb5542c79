import { describe, expect, it } from 'vitest';
import { fieldNames, networkFailure, ticketError, type Fixes } from './errors.js';

const fixes: Fixes = {
  auth: 'AUTH-FIX',
  forbidden: 'FORBIDDEN-FIX',
  notFound: 'NOTFOUND-FIX',
  rejected: 'REJECTED-FIX',
};

describe('ticketError', () => {
  it.each([
    { why: 'no answer', f: { network: 'timed out' as const }, code: 'BOSUN_ERR_TICKET_UNAVAILABLE', says: 'timed out' },
    { why: '401', f: { status: 401 }, code: 'BOSUN_ERR_TICKET_AUTH', says: 'AUTH-FIX' },
    { why: '403', f: { status: 403 }, code: 'BOSUN_ERR_TICKET_AUTH', says: 'FORBIDDEN-FIX' },
    { why: '403 rate limit', f: { status: 403, rateLimited: true }, code: 'BOSUN_ERR_TICKET_UNAVAILABLE', says: '403' },
    { why: '404', f: { status: 404 }, code: 'BOSUN_ERR_TICKET_NOT_FOUND', says: 'NOTFOUND-FIX' },
    { why: '410', f: { status: 410 }, code: 'BOSUN_ERR_TICKET_NOT_FOUND', says: 'NOTFOUND-FIX' },
    { why: '422', f: { status: 422, fields: ['title'] }, code: 'BOSUN_ERR_TICKET_REJECTED', says: 'fields: title' },
    { why: '429', f: { status: 429 }, code: 'BOSUN_ERR_TICKET_UNAVAILABLE', says: 'rate-limited' },
    { why: '502', f: { status: 502 }, code: 'BOSUN_ERR_TICKET_UNAVAILABLE', says: 'HTTP 502' },
    { why: 'a redirect', f: { status: 302 }, code: 'BOSUN_ERR_TICKET_CONFIG', says: 'redirect' },
  ])('$why: $code', ({ f, code, says }) => {
    const err = ticketError('GitHub', 'creating an issue in acme/web', f, fixes);
    expect(err.code).toBe(code);
    expect(err.status).toBe(f.status);
    expect(err.message).toContain(says);
    expect(err.message).toContain('creating an issue in acme/web');
  });
});

describe('fieldNames', () => {
  it('keeps what looks like a field name, at most 8, once each', () => {
    const names = ['title', 'title', 'issuetype', 'a b', '<script>', 42, 'customfield_10001', ...'abcdefghij'];
    expect(fieldNames(names)).toEqual(['title', 'issuetype', 'customfield_10001', 'a', 'b', 'c', 'd', 'e']);
  });
});

describe('networkFailure', () => {
  it.each([
    {
      err: Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      want: 'timed out',
    },
    { err: Object.assign(new Error('timeout of 5ms exceeded'), { code: 'ECONNABORTED' }), want: 'timed out' },
    {
      err: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      want: 'could not connect',
    },
  ])('$want', ({ err, want }) => {
    expect(networkFailure(err)).toBe(want);
  });
});
