// Where Bosun may send a model call. A ModelProvider's baseURL is written by
// whoever may create ModelProviders; without a limit it could aim Bosun's
// requests (with its API key) at any server its network reaches: the cloud
// metadata endpoint, an internal admin panel. The operator's admin lists the
// endpoints (--model-endpoints); anything else is refused before any call. Pure.
import type { ProviderName } from './model.js';

/** Where each provider's client goes when the ModelProvider sets no baseURL. */
export const DEFAULT_BASE_URLS: Record<ProviderName, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  ollama: 'http://127.0.0.1:11434',
};

/** The endpoints allowed unless the admin says otherwise: the hosted APIs, over HTTPS. */
export const DEFAULT_MODEL_ENDPOINTS = ['https://api.anthropic.com', 'https://api.openai.com'];

const parse = (u: string) => {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
};

/**
 * Undefined when a call to `baseURL` (or the provider's default) is allowed by one of `allowed`
 * (`scheme://host[:port][/path]`: no port means any, a path is a prefix); else why not.
 */
export function endpointRefusal(
  provider: ProviderName,
  baseURL: string | undefined,
  allowed: readonly string[],
): string | undefined {
  const target = baseURL ?? DEFAULT_BASE_URLS[provider];
  const url = parse(target);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return `${target} is not an http(s) URL`;
  if (url.username || url.password) return 'the baseURL carries credentials: put the key in spec.secretRef';
  const ok = allowed.some((entry) => {
    const a = parse(entry);
    if (!a) return false;
    const path = a.pathname.replace(/\/+$/, '');
    return (
      a.protocol === url.protocol &&
      a.hostname.toLowerCase() === url.hostname.toLowerCase() &&
      (!a.port || a.port === url.port) &&
      (!path || url.pathname === path || url.pathname.startsWith(`${path}/`))
    );
  });
  return ok
    ? undefined
    : `${url.origin} is not among the endpoints Bosun may call (${allowed.join(', ') || 'none'}); ` +
        "the operator's admin allows more with --model-endpoints";
}
