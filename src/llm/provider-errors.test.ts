import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { providerFailure } from './provider-errors.js';

const body = '<html>internal admin panel: password=hunter2</html>';

describe('providerFailure', () => {
  it.each([
    {
      why: 'an Anthropic 401',
      err: Anthropic.APIError.generate(401, { error: body }, body, new Headers()),
      want: 'HTTP 401 (check the API key)',
    },
    {
      why: 'an OpenAI 503',
      err: OpenAI.APIError.generate(503, { error: body }, body, new Headers()),
      want: 'HTTP 503 (the provider had an error)',
    },
    {
      why: 'an Ollama 404',
      err: Object.assign(new Error(body), { status_code: 404 }),
      want: 'HTTP 404 (check the model name and baseURL)',
    },
    {
      why: 'a connection refused',
      err: new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.1:80') }),
      want: 'could not connect',
    },
    { why: 'a timeout', err: new Anthropic.APIConnectionTimeoutError(), want: 'timed out' },
    { why: 'anything else', err: new Error(body), want: 'the call failed' },
  ])('says $why without the response body', ({ err, want }) => {
    const said = providerFailure(err);
    expect(said).toBe(want);
    expect(said).not.toMatch(/hunter2|html/);
  });
});
