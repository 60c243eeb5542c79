// The /github endpoint's parts in a running operator: the webhook secret (key
// `secret` of a Secret in the operator's namespace, re-read every minute, 16
// characters or more, masked in logs), the Pipelines from the operator's
// informer, runs created with Bosun's client (any replica may: the name makes
// a second create a no-op) and the deliveries in Bosun's etcd.
import { hasCode } from '../api/errors.js';
import { kindInfo } from '../api/v1alpha1/kinds.js';
import type { KubeObject } from '../api/v1alpha1/meta.js';
import type { KubeClient } from '../kube/client.js';
import { bosunResource } from '../kube/resources.js';
import { secretValues } from '../runtime/secret-values.js';
import type { Logger, SecretSink } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { DeliveryStore } from './github-deliveries.js';
import type { CreateResult, GitHubPushOptions } from './github-endpoint.js';
import type { PipelineRunObject } from './github-push.js';

/** The key of the webhook Secret that holds the secret GitHub signs deliveries with. */
export const GITHUB_SECRET_KEY = 'secret';
export const GITHUB_SECRET_MIN_LENGTH = 16;

const pipelineRuns = bosunResource(kindInfo('PipelineRun'));

export interface GitHubTriggerDeps {
  /** Bosun's client: it reads the Secret and creates the runs */
  client: KubeClient;
  /** the webhook Secret, in the operator's namespace */
  secret: { namespace: string; name: string };
  secrets: SecretSink;
  /** the Pipelines the operator's informer holds */
  pipelines: { list(): KubeObject[] };
  store: DeliveryStore;
  metrics: Pick<Metrics, 'githubDeliveries'>;
  log: Logger;
}

/** Creates a run; when one of that name exists, returns what the API server holds under the name. */
export function runCreator(client: KubeClient) {
  return async (run: PipelineRunObject): Promise<CreateResult> => {
    try {
      await client.create(pipelineRuns, run);
      return { created: true };
    } catch (err) {
      if (!hasCode(err, 'BOSUN_ERR_KUBE_CONFLICT')) throw err;
      return { created: false, found: await client.tryGet(pipelineRuns, run.metadata.namespace, run.metadata.name) };
    }
  };
}

export function githubTrigger(deps: GitHubTriggerDeps): { options: GitHubPushOptions; stop(): void } {
  const values = secretValues(deps.client, deps.secret, {
    secrets: deps.secrets,
    log: deps.log,
    minLength: GITHUB_SECRET_MIN_LENGTH,
    what: 'GitHub webhook',
  });
  return {
    options: {
      secret: () => values.current()?.[GITHUB_SECRET_KEY],
      pipelines: () => deps.pipelines.list(),
      createRun: runCreator(deps.client.as('bosun-github-trigger')),
      deliveries: deps.store,
      metrics: deps.metrics,
    },
    stop: values.stop,
  };
}
