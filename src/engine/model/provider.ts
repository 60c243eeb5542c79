// The ModelProvider a Goal's namespace uses: found by name (the Goal's
// namespace, then the operator's), its status kept as the last call found the
// provider (never with the provider's own answer), and the SDK client for it.
import { timestamp } from '../../api/v1alpha1/common.js';
import { kindInfo } from '../../api/v1alpha1/kinds.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import { ModelProviderSpec } from '../../api/v1alpha1/model-provider.js';
import type { KubeClient } from '../../kube/client.js';
import { bosunResource } from '../../kube/resources.js';
import { anthropicClient } from '../../llm/anthropic.js';
import type { ModelClient } from '../../llm/model.js';
import { ollamaClient } from '../../llm/ollama.js';
import { openaiClient } from '../../llm/openai.js';

const modelProviders = bosunResource(kindInfo('ModelProvider'));

export async function findProvider(client: KubeClient, namespace: string, operatorNamespace: string) {
  for (const ns of [namespace, operatorNamespace]) {
    const obj = await client.tryGet<KubeObject & { spec?: unknown; status?: Record<string, unknown> }>(
      modelProviders,
      ns,
      'default',
    );
    if (obj) return { namespace: ns, object: obj, spec: ModelProviderSpec.parse(obj.spec ?? {}) };
  }
  return undefined;
}

/** ModelProvider status: reachable and the last error, as the last call found them. */
export async function reportReachability(
  client: KubeClient,
  object: KubeObject & { status?: Record<string, unknown> },
  error: string | undefined,
): Promise<void> {
  const { lastError: _e, ...rest } = object.status ?? {};
  const status = {
    ...rest,
    reachable: error === undefined,
    ...(error && { lastError: error.slice(0, 2000) }),
    lastCheckedAt: timestamp(),
  };
  try {
    await client.patchStatus(modelProviders, object, status);
  } catch {
    // best effort: a conflict means someone else just reported
  }
}

export function clientFor(spec: ModelProviderSpec, apiKey: string | undefined): ModelClient {
  const opts = { baseURL: spec.baseURL, apiKey, timeoutMs: spec.timeoutSeconds * 1000, maxRetries: 2 };
  if (spec.provider === 'anthropic') return anthropicClient(opts);
  if (spec.provider === 'openai') return openaiClient(opts);
  return ollamaClient(opts);
}
