// A namespace set up for a model planner, as its admin would: the API key in a
// Secret, Bosun allowed to read Secrets there, and a ModelProvider named
// default pointing at a loopback server that speaks the provider's wire format.
import { kubectlOk } from './cluster.js';
import type { FakeProvider } from './fake-llm.js';

/** Lets Bosun's ServiceAccount read Secrets in `namespace` (a ModelProvider's key, ticket credentials). */
export const grantSecretReader = (namespace: string) =>
  kubectlOk(
    [
      'create',
      'rolebinding',
      'bosun-secret-reader',
      '--clusterrole=bosun-secret-reader',
      '--serviceaccount=bosun-system:bosun',
    ],
    { namespace },
  );

export function applyModelProvider(
  namespace: string,
  fake: Pick<FakeProvider, 'provider' | 'baseURL'>,
  apiKey: string,
  spec: Record<string, unknown> = {},
): void {
  kubectlOk(['create', 'secret', 'generic', fake.provider, `--from-literal=api-key=${apiKey}`], { namespace });
  grantSecretReader(namespace);
  kubectlOk(['apply', '-f', '-'], {
    namespace,
    input: JSON.stringify({
      apiVersion: 'bosun.dev/v1alpha1',
      kind: 'ModelProvider',
      metadata: { name: 'default' },
      spec: {
        provider: fake.provider,
        baseURL: fake.baseURL,
        secretRef: { name: fake.provider, key: 'api-key' },
        models: { low: 'small', medium: 'mid', high: 'big' },
        ...spec,
      },
    }),
  });
}
