import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FORMATS, KEEP } from '../redact/formats.testdata.js';
import { createLogger, SecretMasker, type SecretSink } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts known secret paths', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination });
    log.info({ provider: { apiKey: 'sk-live-123456789' }, req: { headers: { authorization: 'Bearer abc' } } }, 'call');
    expect(lines.join('')).not.toContain('sk-live-123456789');
    expect(lines.join('')).not.toContain('Bearer abc');
  });

  it('masks registered secret values wherever they appear, in children too', () => {
    const { lines, destination } = capture();
    const masker = new SecretMasker();
    masker.add('canary-9f8e7d6c5b4a');
    const log = createLogger({ destination, masker }).child({ controller: 'goal' });
    log.warn({ detail: { note: 'log line with canary-9f8e7d6c5b4a inside' } }, 'seen canary-9f8e7d6c5b4a');
    log.error(new Error('failed with canary-9f8e7d6c5b4a'));
    const out = lines.join('');
    expect(out).not.toContain('canary-9f8e7d6c5b4a');
    expect(out).toContain('[REDACTED]');
    expect(out).toContain('"controller":"goal"');
  });

  it('ignores values too short to be secrets', () => {
    const masker = new SecretMasker();
    masker.add('abc');
    expect(masker.mask('abc')).toBe('abc');
  });

  it('never writes a value added through the SecretSink, however it is logged', () => {
    const { lines, destination } = capture();
    const masker = new SecretMasker();
    const log = createLogger({ destination, masker });
    const secret = 'sk-ant-0123456789abcdef';
    const sink: SecretSink = masker; // what the controllers are given
    sink.add(secret);
    log.info(`key ${secret}`);
    log.info('key %s and %o', secret, { nested: [{ deep: `Bearer ${secret}` }] });
    log.warn({ err: new Error(`401 for ${secret}`), headers: { 'x-api-key': secret } }, 'call failed');
    log.child({ controller: 'goal' }).error(new Error(`${secret} rejected`));
    log.fatal({ reason: secret }, 'crash');
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain('0123456789abcdef');
    }
  });

  it.each(FORMATS.map((f) => ({ label: f.label, f })))('removes a credential nobody registered: $label', ({ f }) => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, masker: new SecretMasker() });
    log.info(f.text);
    log.warn({ detail: { output: f.text }, args: [f.text] }, 'tool output');
    log.error(new Error(`failed: ${f.text}`));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(f.secret);
      expect(line).not.toContain(JSON.stringify(f.secret).slice(1, -1));
      expect(line).toContain('[REDACTED]');
    }
  });

  it.each(KEEP.map((k) => ({ label: k.label, text: k.text })))('keeps: $label', ({ text }) => {
    const { lines, destination } = capture();
    createLogger({ destination, masker: new SecretMasker() }).info({ detail: text }, text);
    const line = JSON.parse(lines[0] ?? '{}') as { msg: string; detail: string };
    expect(line).toMatchObject({ msg: text, detail: text });
  });

  it('replaces fields named like credentials at any depth, beyond the fixed redact paths', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, masker: new SecretMasker() });
    log.info({ provider: { config: { clientSecret: 'plain-words', db_password: 'also plain' } }, tokens: 12 }, 'x');
    const line = JSON.parse(lines[0] ?? '{}') as { provider: unknown; tokens: number };
    expect(line.provider).toEqual({ config: { clientSecret: '[REDACTED]', db_password: '[REDACTED]' } });
    expect(line.tokens).toBe(12);
  });

  it.each([
    { label: 'split across lines', form: (s: string) => `${s.slice(0, 6)}\n${s.slice(6)}` },
    { label: 're-cased', form: (s: string) => s.toUpperCase() },
    { label: 'base64', form: (s: string) => Buffer.from(s).toString('base64') },
    { label: 'base64 inside a longer value', form: (s: string) => Buffer.from(`user:${s}`).toString('base64') },
  ])('masks a registered value $label', ({ form }) => {
    const { lines, destination } = capture();
    const masker = new SecretMasker();
    masker.add('canary-9f8e7d6c5b4a');
    createLogger({ destination, masker }).info(`seen ${form('canary-9f8e7d6c5b4a')}`);
    const line = lines.join('');
    expect(line).toContain('[REDACTED]');
    expect(line).not.toContain(form('canary-9f8e7d6c5b4a'));
  });
});
