// The bearer tokens Alertmanager may send to /alertmanager: every value of one
// Secret in the operator's namespace, read at start and every minute after (so a
// rotated token works without a restart). Each value is registered with the
// log's masker before it is used.
import { BosunError, errorMessage } from '../../api/errors.js';
import type { KubeObject } from '../../api/v1alpha1/meta.js';
import type { KubeClient } from '../../kube/client.js';
import { core } from '../../kube/resources.js';
import type { Logger, SecretSink } from '../../telemetry/logger.js';

const REFRESH_MS = 60_000;

export function alertTokens(
  client: KubeClient,
  ref: { namespace: string; name: string },
  secrets: SecretSink,
  log: Logger,
) {
  let tokens: string[] | undefined;
  const read = async () => {
    try {
      const s = await client.tryGet<KubeObject & { data?: Record<string, string> }>(
        core.secrets,
        ref.namespace,
        ref.name,
      );
      const values = Object.values(s?.data ?? {})
        .map((v) => Buffer.from(v, 'base64').toString('utf8').trim())
        .filter((v) => v.length >= 16); // a short token is as good as none
      for (const v of values) secrets.add(v);
      tokens = values;
      if (!values.length)
        log.warn(
          { secret: `${ref.namespace}/${ref.name}` },
          'the alert intake Secret holds no token of 16+ characters',
        );
    } catch (err) {
      log.warn(
        { secret: `${ref.namespace}/${ref.name}`, err: errorMessage(err) },
        'could not read the alert intake Secret',
      );
    }
  };
  const timer = setInterval(() => void read(), REFRESH_MS);
  timer.unref();
  return {
    ready: read(),
    /** the accepted tokens; throws until the Secret was read once (the intake answers 503 meanwhile) */
    current(): readonly string[] {
      if (!tokens) throw new BosunError('BOSUN_ERR_INTAKE_UNAVAILABLE', 'the alert intake Secret was not read yet');
      return tokens;
    },
    stop: () => clearInterval(timer),
  };
}
