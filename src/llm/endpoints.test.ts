import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ENDPOINTS, endpointRefusal } from './endpoints.js';

const local = ['http://127.0.0.1', 'http://ollama.ai.svc:11434', 'https://gw.example.com/llm'];

describe('endpointRefusal', () => {
  it.each([
    { provider: 'anthropic', url: undefined, allowed: DEFAULT_MODEL_ENDPOINTS },
    { provider: 'openai', url: undefined, allowed: DEFAULT_MODEL_ENDPOINTS },
    { provider: 'openai', url: 'https://api.openai.com/v1', allowed: DEFAULT_MODEL_ENDPOINTS },
    { provider: 'ollama', url: 'http://127.0.0.1:41234', allowed: local },
    { provider: 'ollama', url: 'http://OLLAMA.ai.svc:11434/', allowed: local },
    { provider: 'openai', url: 'https://gw.example.com/llm/v1', allowed: local },
  ] as const)('allows $url for $provider', ({ provider, url, allowed }) => {
    expect(endpointRefusal(provider, url, allowed)).toBeUndefined();
  });

  it.each([
    { why: 'the metadata endpoint', url: 'http://169.254.169.254/latest/meta-data', says: /not among the endpoints/ },
    { why: 'plain http to a hosted API', url: 'http://api.openai.com/v1', says: /not among/ },
    { why: 'another port than listed', url: 'http://ollama.ai.svc:8080', says: /not among/ },
    { why: 'a look-alike host', url: 'https://api.openai.com.evil.example/v1', says: /not among/ },
    { why: 'a path outside the prefix', url: 'https://gw.example.com/llmx', says: /not among/ },
    { why: 'another scheme', url: 'file:///etc/passwd', says: /not an http\(s\) URL/ },
    { why: 'credentials in the URL', url: 'https://u:p@api.openai.com/v1', says: /carries credentials/ },
    { why: 'not a URL', url: 'api.openai.com', says: /not an http\(s\) URL/ },
    { why: 'the default Ollama address when loopback is not listed', url: undefined, says: /127\.0\.0\.1:11434/ },
  ])('refuses $why', ({ url, says }) => {
    expect(
      endpointRefusal(url ? 'openai' : 'ollama', url, [
        ...DEFAULT_MODEL_ENDPOINTS,
        'http://ollama.ai.svc:11434',
        'https://gw.example.com/llm',
      ]),
    ).toMatch(says);
  });
});
