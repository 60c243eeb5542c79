import { describe, expect, it } from 'vitest';
import { isJson, parsePush, readHeaders } from './github-request.js';

const good = {
  'x-github-event': 'push',
  'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  'x-hub-signature-256': `sha256=${'a1'.repeat(32)}`,
};

describe('readHeaders', () => {
  it('reads the event, the delivery id and the signature', () => {
    expect(readHeaders(good)).toEqual({
      event: 'push',
      delivery: good['x-github-delivery'],
      signature: good['x-hub-signature-256'],
    });
  });

  it.each([
    ['no event', { 'x-github-event': undefined }, 'MissingHeader', 'x-github-event'],
    ['no delivery id', { 'x-github-delivery': '' }, 'MissingHeader', 'x-github-delivery'],
    ['no signature', { 'x-hub-signature-256': undefined }, 'MissingHeader', 'set a secret on the webhook'],
    ['an event with spaces', { 'x-github-event': 'push now' }, 'InvalidHeader', 'x-github-event'],
    ['a delivery id with a slash', { 'x-github-delivery': '../records/x' }, 'InvalidHeader', 'a GUID'],
    ['a long delivery id', { 'x-github-delivery': 'a'.repeat(65) }, 'InvalidHeader', 'x-github-delivery'],
    ['a SHA-1 signature', { 'x-hub-signature-256': `sha1=${'a'.repeat(40)}` }, 'InvalidHeader', 'sha256='],
    ['a short signature', { 'x-hub-signature-256': 'sha256=abc' }, 'InvalidHeader', 'x-hub-signature-256'],
    [
      'two signatures',
      { 'x-hub-signature-256': [good['x-hub-signature-256'], good['x-hub-signature-256']] },
      'InvalidHeader',
      'one value',
    ],
  ])('%s: 400 %s', (_why, over, reason, says) => {
    const r = readHeaders({ ...good, ...over });
    expect(r).toMatchObject({ refusal: { status: 400, body: { reason } } });
    expect('refusal' in r && r.refusal.body.message).toContain(says);
  });
});

describe('parsePush', () => {
  it('refuses what is not JSON with 400, and names the field of what is not a push with 422', () => {
    expect(parsePush('{"ref":')).toMatchObject({ refusal: { status: 400, body: { reason: 'InvalidPayload' } } });
    const r = parsePush(JSON.stringify({ ref: 'refs/heads/main', after: 'abc', repository: { full_name: 'a/b' } }));
    expect(r).toMatchObject({ refusal: { status: 422, body: { reason: 'InvalidPayload' } } });
    expect('refusal' in r && r.refusal.body.message).toMatch(/^after: must be a commit SHA/);
    expect(parsePush('[]')).toMatchObject({ refusal: { status: 422 } });
  });

  it('reads a push', () => {
    const after = 'f'.repeat(40);
    expect(parsePush(JSON.stringify({ ref: 'refs/heads/main', after, repository: { full_name: 'a/b' } }))).toEqual({
      push: { ref: 'refs/heads/main', after, deleted: false, repository: { full_name: 'a/b' } },
    });
  });
});

describe('isJson', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('%s: %s', (type, want) => expect(isJson(type)).toBe(want));
});
